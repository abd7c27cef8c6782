"""Break-even and target ACoS from unit economics, with hand-computed values."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpi_lib.errors import KpiError
from kpi_lib.targets.unit_economics import (break_even_acos, pre_ad_margin, target_acos, target_tacos,
                                            unit_economics)


def test_break_even_by_hand():
    # $30 price − $6 COGS − $2 first leg − $9 fees − $1 returns allowance = $12 → 40 %.
    assert pre_ad_margin(30, 6, 2, 9, 1) == pytest.approx(0.40)
    assert break_even_acos(30, 6, 2, 9, 1) == pytest.approx(0.40)
    # ¥3,980 − ¥900 − ¥300 − ¥1,200 − ¥80 = ¥1,500 → 37.69 %.
    assert break_even_acos(3980, 900, 300, 1200, 80) == pytest.approx(1500 / 3980)
    assert np.isnan(pre_ad_margin(0, 1))


def test_target_acos_and_tacos_by_hand():
    # Margin 40 %, desired net margin 10 %: TACoS 30 %; judged on ad sales alone ACoS 30 %;
    # with ads driving half the sales the ad campaigns may run at 60 % ACoS.
    assert target_tacos(0.40, 0.10) == pytest.approx(0.30)
    assert target_acos(0.40, 0.10) == pytest.approx(0.30)
    assert target_acos(0.40, 0.10, ad_sales_share=0.5) == pytest.approx(0.60)
    # No room: margin below the desired margin → 0.
    assert target_acos(0.08, 0.10) == 0.0
    with pytest.raises(KpiError, match="ad-attributed share"):
        target_acos(0.4, 0.1, ad_sales_share=0)


def test_frame_version():
    costs = pd.DataFrame({"sku": ["A", "B"], "price": [30.0, 20.0], "cogs": [6.0, 12.0], "first_leg": [2.0, 2.0],
                          "fees": [9.0, 6.0], "returns_allowance": [1.0, 0.5], "ad_sales_share": [0.5, 1.0]})
    before = costs.copy()
    out = unit_economics(costs, desired_net_margin=0.10)
    pd.testing.assert_frame_equal(costs, before)
    a, b = out.iloc[0], out.iloc[1]
    assert a["break_even_acos"] == pytest.approx(0.40) and a["target_acos"] == pytest.approx(0.60)
    # B: 20 − 12 − 2 − 6 − 0.5 = −0.5 → −2.5 %: no room for ads at all.
    assert b["pre_ad_margin"] == pytest.approx(-0.025) and b["target_acos"] == 0.0 and not b["ad_room"]
    with pytest.raises(KpiError, match="price"):
        unit_economics(pd.DataFrame({"cogs": [1.0]}))
