"""Server settings: the config file, then the environment, then the command line."""

from __future__ import annotations

import pytest

from chatrecap.errors import OptionError
from chatrecap.web.settings import Settings, load_settings


def test_file_then_environment_then_options(tmp_path, monkeypatch):
    config = tmp_path / "chatrecap.toml"
    config.write_text('host = "0.0.0.0"\nport = 9000\nworkers = 2\nsite_title = "Recaps"\n'
                      'smtp = "smtp://mail.example.org:25"\n')
    monkeypatch.delenv("CHATRECAP_SMTP_URL", raising=False)
    s = load_settings(config, db=str(tmp_path / "w.db"), host=None, port=None, workers=None)
    assert (s.host, s.port, s.workers, s.site_title) == ("0.0.0.0", 9000, 2, "Recaps")
    assert s.site_url == "http://0.0.0.0:9000"
    monkeypatch.setenv("CHATRECAP_SMTP_URL", "smtp://127.0.0.1:2525")
    monkeypatch.setenv("CHATRECAP_BASE_URL", "https://recaps.example.org/")
    s = load_settings(config, db=str(tmp_path / "w.db"), port=8080)
    assert s.smtp == "smtp://127.0.0.1:2525" and s.port == 8080
    assert s.site_url == "https://recaps.example.org"
    assert Settings.from_json(s.to_json()) == s


@pytest.mark.parametrize(("text", "message"), [
    ("port = ", "not valid TOML"),
    ("colour = 'blue'", "unknown setting 'colour'"),
    ("base_url = 'ftp://x'", "must start with http:// or https://"),
    ("smtp = 'mail.example.org'", "must be smtp://host:port"),
    ("time_zone = 'Mars/Olympus'", "Unknown time zone 'Mars/Olympus' for time_zone"),
    ("time_zone = 'America'", "Unknown time zone 'America' for time_zone"),  # a folder of zones
    ("time_zone = ' '", "time_zone is empty"),
])
def test_a_bad_config_file_is_one_clear_line(tmp_path, monkeypatch, text, message):
    monkeypatch.delenv("CHATRECAP_BASE_URL", raising=False)
    monkeypatch.delenv("CHATRECAP_SMTP_URL", raising=False)
    config = tmp_path / "chatrecap.toml"
    config.write_text(text)
    with pytest.raises(OptionError, match=message) as caught:
        load_settings(config, db=str(tmp_path / "w.db"))
    assert "\n" not in str(caught.value)


def test_a_missing_config_file_is_named(tmp_path):
    with pytest.raises(OptionError, match="nope.toml: cannot read the config file"):
        load_settings(tmp_path / "nope.toml")
