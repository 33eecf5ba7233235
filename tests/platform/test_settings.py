from __future__ import annotations

import pytest

from itvision.platform.errors import ConfigurationError
from itvision.settings import load_settings


def test_defaults_run_on_sqlite_and_the_sql_log(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.database.startswith("sqlite+aiosqlite:///")
    assert settings.database.endswith("itvision-data/itvision.db")
    assert not settings.uses_kafka


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ITVISION_BUS_URL", "rabbit://x"),
        ("ITVISION_DATABASE_URL", "mysql://x"),
        ("ITVISION_PORT", "eighty"),
        ("ITVISION_KAFKA_PARTITIONS", "0"),
    ],
)
def test_a_wrong_value_names_the_variable(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError) as error:
        load_settings()
    assert error.value.message.startswith(variable + ":")
    assert "\n" not in error.value.message


def test_kafka_url_lists_the_brokers(monkeypatch):
    monkeypatch.setenv("ITVISION_BUS_URL", "kafka://a:9092,b:9093")
    assert load_settings().kafka_bootstrap == ["a:9092", "b:9093"]


@pytest.mark.parametrize("variable", ["ITVISION_JWT_SECRET", "ITVISION_ADMIN_TOKEN"])
def test_a_secret_shorter_than_32_bytes_stops_the_start_naming_the_variable(monkeypatch, variable):
    for short in ("a", "x" * 31, "é" * 15):  # 30 bytes, 15 characters
        monkeypatch.setenv(variable, short)
        with pytest.raises(ConfigurationError) as error:
            load_settings()
        assert error.value.message.startswith(f"{variable}: must be at least 32 bytes")
        assert "secrets.token_urlsafe" in error.value.message
        assert "\n" not in error.value.message
    monkeypatch.setenv(variable, "x" * 32)
    assert load_settings()
