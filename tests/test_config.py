"""Client configs: layering on defaults, and one clear error per kind of mistake."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kpi_lib.config import load_config
from kpi_lib.errors import ConfigError, KpiErrors
from tests.conftest import write_config

VALID = """
client_id: "007"
name: 测试客户
markets:
  - id: JP
  - id: US
    stores: [{id: US-Main, platform: amazon}]
fx_rates:
  USD: {2026-10: 7.1}
  JPY: {2026-10: 0.048}
data_dir: data
sources:
  - type: people
    path: hr/*.xlsx
roles:
  operations: {}
  advertising:
    weights:
      JP: {acos: 50, tacos: 30, ctr: 20}
"""


def _config(tmp_path: Path, text: str = VALID) -> Path:
    path = write_config(tmp_path, text)
    (tmp_path / "data" / "hr").mkdir(parents=True, exist_ok=True)
    (tmp_path / "data" / "hr" / "people.xlsx").write_bytes(b"placeholder")
    return path


def _problems(path: Path) -> list[ConfigError]:
    with pytest.raises(KpiErrors) as info:
        load_config(path)
    return info.value.errors


def test_valid_config_is_layered_on_market_and_role_templates(tmp_path):
    cfg = load_config(_config(tmp_path))
    assert cfg.client_id == "007"  # quoted in YAML: stays a string with its leading zeros
    jp = cfg.market("JP")
    assert (jp.currency, jp.timezone) == ("JPY", "Asia/Tokyo")
    assert cfg.market("US").timezone == "America/Los_Angeles"
    ops = cfg.roles["operations"]
    # Template weights: JP weighs negative reviews and returns, US does not.
    assert ops.weights["JP"]["negative_review_rate"] == 15
    assert "negative_review_rate" not in ops.weights["default"]
    assert ops.tiers["junior"].target_factor < ops.tiers["senior"].target_factor
    # A client list for a market replaces the template's list for that market whole.
    assert cfg.roles["advertising"].weights["JP"] == {"acos": 50, "tacos": 30, "ctr": 20}
    assert cfg.resolved_data_dir() == (tmp_path / "data").resolve()
    assert cfg.fx_rate("JPY", "2026-10") == 0.048 and cfg.fx_rate("CNY", "2026-10") == 1.0


def test_misspelt_key_names_the_key_path_and_the_closest_key(tmp_path):
    path = _config(tmp_path, VALID.replace("fx_rates:", "fx_rate:"))
    (err,) = [e for e in _problems(path) if "fx_rate" in str(e.key)]
    assert err.key == "fx_rate" and "did you mean 'fx_rates'" in err.fix
    assert err.file == str(path)


def test_misspelt_nested_key_suggests_from_that_section(tmp_path):
    path = _config(tmp_path, VALID.replace("stores: [{id: US-Main, platform: amazon}]",
                                           "stores: [{id: US-Main, platfrom: amazon}]"))
    (err,) = _problems(path)
    assert err.key == "markets[1].stores[0].platfrom"
    assert "did you mean 'platform'" in err.fix


def test_unknown_metric_id_suggests_the_closest(tmp_path):
    path = _config(tmp_path, VALID.replace("ctr: 20", "ctrr: 20"))
    errs = _problems(path)
    assert [e.key for e in errs] == ["roles.advertising.weights.JP.ctrr"]
    assert "did you mean 'ctr'" in errs[0].fix


def test_weights_not_summing_to_100(tmp_path):
    path = _config(tmp_path, VALID.replace("ctr: 20", "ctr: 25"))
    (err,) = _problems(path)
    assert err.key == "roles.advertising.weights.JP"
    assert "105" in err.message and "100" in err.fix


def test_missing_source_file(tmp_path):
    path = write_config(tmp_path, VALID)
    (err,) = _problems(path)
    assert err.key == "sources[0].path" and err.found == "hr/*.xlsx"
    assert "correct the glob" in err.fix


def test_missing_data_dir(tmp_path):
    path = write_config(tmp_path, VALID.replace("data_dir: data", "data_dir: nowhere"))
    (err,) = _problems(path)
    assert err.key == "data_dir"


def test_secret_in_plain_text_is_refused_but_env_reference_is_fine(tmp_path, monkeypatch):
    path = _config(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace(
        "    path: hr/*.xlsx\n", "    path: hr/*.xlsx\n    options: {erp_token: s3cr3t}\n"), encoding="utf-8")
    errs = _problems(path)
    assert {e.key for e in errs} == {"sources[0].options.erp_token"}
    assert "s3cr3t" not in "".join(str(e) for e in errs)
    path.write_text(VALID.replace("    path: hr/*.xlsx\n", "    path: hr/*.xlsx\n    credentials: {token: '${ERP_TOKEN}'}\n"),
                    encoding="utf-8")
    cfg = load_config(path)
    from kpi_lib.config import resolve_secret
    monkeypatch.setenv("ERP_TOKEN", "value-from-env")
    assert resolve_secret(cfg.sources[0].credentials["token"]) == "value-from-env"


def test_exemption_ending_before_it_starts(tmp_path):
    text = VALID + """
exemptions:
  - {id: jp-delay, kind: logistics_delay, market: JP, start: 2026-10-20, end: 2026-10-05,
     metrics: [gmv], evidence: carrier notice, approved_by: 王总}
"""
    (err,) = _problems(_config(tmp_path, text))
    assert err.key == "exemptions[0]" and "before it starts" in err.message


def test_source_path_leaving_data_dir_is_refused(tmp_path):
    (err,) = _problems(_config(tmp_path, VALID.replace("path: hr/*.xlsx", "path: ../other_client/*.csv")))
    assert err.key == "sources[0].path" and "leaves data_dir" in err.message


def test_symlink_out_of_data_dir_is_refused(tmp_path):
    path = _config(tmp_path)
    outside = tmp_path / "other_client.xlsx"
    outside.write_bytes(b"x")
    (tmp_path / "data" / "hr" / "linked.xlsx").symlink_to(outside)
    (err,) = _problems(path)
    assert "outside the client's data_dir" in err.message


def test_unknown_source_type_suggests_adapter(tmp_path):
    (err,) = _problems(_config(tmp_path, VALID.replace("type: people", "type: peple")))
    assert err.key == "sources[0].type" and "did you mean 'people'" in err.fix


def test_period_must_be_a_month(tmp_path):
    (err,) = _problems(_config(tmp_path, VALID.replace("path: hr/*.xlsx", "path: hr/*.xlsx\n    period: 2026-13")))
    assert err.key == "sources[0].period" and "YYYY-MM" in err.message


@pytest.mark.parametrize("mutation, needle", [
    (("fx_rates:", "fx_rate:"), "did you mean 'fx_rates'"),
    (("ctr: 20", "ctrr: 20"), "did you mean 'ctr'"),
    (("ctr: 20", "ctr: 25"), "not 100%"),
])
def test_cli_validate_prints_one_clear_message_without_traceback(tmp_path, mutation, needle):
    path = _config(tmp_path, VALID.replace(*mutation))
    proc = subprocess.run([sys.executable, "-m", "kpi_lib.cli", "validate", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert needle in proc.stderr and str(path) in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
