"""The deployment files, checked without building or starting anything: the compose file
parses and wires the services as the README says, every script and command they name exists,
and the systemd units run the same scripts."""

import configparser
import re
import shlex
import subprocess

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands

from ntm_portal.tests.test_settings import ROOT

DEPLOY = ROOT / "deploy"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def _scripts_named(text: str) -> list[str]:
    return re.findall(r"deploy/[\w./-]+\.sh", text)


def test_compose_has_the_database_the_one_shot_release_web_worker_sweeper_and_proxy(compose):
    services = compose["services"]
    assert {"db", "release", "web", "worker", "sweeper", "certs", "nginx"} <= set(services)
    for name in ("web", "worker", "sweeper"):
        assert services[name]["depends_on"]["release"]["condition"] == "service_completed_successfully"
    assert services["release"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["release"]["restart"] == "no"
    assert services["nginx"]["depends_on"]["web"]["condition"] == "service_healthy"


def test_every_app_service_runs_with_production_settings_behind_one_proxy(compose):
    for name in ("release", "web", "worker", "sweeper"):
        env = compose["services"][name]["environment"]
        assert env["DEBUG"] == "0", name
        assert env["PROXY_COUNT"] == "1" and env["SECURE_PROXY_SSL_HEADER"] == "1", name
        assert env["DATABASE_URL"].startswith("postgres://"), name


def test_the_scripts_the_files_name_exist_and_parse():
    texts = [(ROOT / "compose.yaml").read_text(), (ROOT / "Dockerfile").read_text()]
    texts += [unit.read_text() for unit in (DEPLOY / "systemd").glob("ntm-*")]
    named = {script for text in texts for script in _scripts_named(text)}
    assert {"deploy/release.sh", "deploy/web.sh", "deploy/worker.sh", "deploy/sweep.sh"} <= named
    for script in named:
        path = ROOT / script
        assert path.is_file(), script
        subprocess.run(["/bin/sh", "-n", str(path)], check=True)


def test_the_management_commands_the_scripts_run_exist():
    commands = get_commands()
    for script in DEPLOY.glob("*.sh"):
        for line in script.read_text().splitlines():
            if "manage.py" in line and not line.lstrip().startswith("#"):
                words = shlex.split(line.split("manage.py", 1)[1])
                assert words[0] in commands, f"{script.name}: {words[0]}"


def test_the_worker_and_release_steps_do_not_run_in_development_mode():
    for name in ("worker.sh", "release.sh", "sweep.sh", "web.sh"):
        assert 'export DEBUG="${DEBUG:-0}"' in (DEPLOY / name).read_text(), name
    assert "--reload" not in (DEPLOY / "worker.sh").read_text()


def test_the_systemd_units_run_the_scripts_with_the_shared_environment_file():
    units = {path.name: path for path in (DEPLOY / "systemd").glob("ntm-*.service")}
    assert {"ntm-release.service", "ntm-web.service", "ntm-worker@.service", "ntm-sweep.service"} <= set(units)
    for name, path in units.items():
        unit = configparser.ConfigParser(interpolation=None, strict=False)
        unit.read_string(path.read_text())
        service = unit["Service"]
        assert service["EnvironmentFile"] == "/etc/ntm/ntm.env", name
        script = service["ExecStart"].split()[-1].replace("/srv/ntm/app/", "")
        assert (ROOT / script).is_file(), name
    assert "OnUnitActiveSec" in (DEPLOY / "systemd" / "ntm-sweep.timer").read_text()
    release = configparser.ConfigParser(interpolation=None, strict=False)
    release.read_string(units["ntm-release.service"].read_text())
    assert release["Service"]["Type"] == "oneshot"


def test_the_proxy_caps_bodies_above_the_portals_own_cap_and_forwards_the_client(compose):
    conf = (DEPLOY / "nginx" / "ntm.conf").read_text()
    cap = int(re.search(r"client_max_body_size (\d+)m;", conf).group(1))
    assert settings.MAX_REQUEST_BODY_MB <= cap <= settings.MAX_REQUEST_BODY_MB + 2
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in conf
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in conf
    mounted = compose["services"]["nginx"]["volumes"][0].split(":")[0]
    assert (ROOT / mounted).resolve() == (DEPLOY / "nginx" / "ntm.conf").resolve()


def test_the_dockerfile_copies_what_exists_and_runs_as_a_plain_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "COPY requirements.txt" in dockerfile and (ROOT / "requirements.txt").is_file()
    assert re.search(r"^USER ntm$", dockerfile, re.MULTILINE)
    assert ".venv" in (ROOT / ".dockerignore").read_text()


def test_the_lock_file_pins_every_requirement_at_the_same_version():
    def pins(name: str) -> dict[str, str]:
        lines = (ROOT / name).read_text().splitlines()
        pairs = (line.split("#")[0].strip().split("==") for line in lines if "==" in line.split("#")[0])
        # "django-axes[ipware]" is the package django-axes (its extra is locked line by line).
        return {n.split("[")[0].lower().replace("_", "-"): v for n, v in pairs}

    direct, locked = pins("requirements.txt"), pins("requirements.lock")
    assert {name: locked.get(name) for name in direct} == direct
    assert len(locked) > len(direct)  # the indirect ones too
