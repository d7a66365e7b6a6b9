import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k3J9-pQ2_vX8rT5yL1mN7bC4zW6sD0fG-hE3aU9iO2pK8jR5tY1uV7cX4nB6mQ0w",
    "ALLOWED_HOSTS": "benefits.example.gov",
}


def run_manage(*args: str, env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY"}}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = run_manage("check", env_overrides=env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_development_uses_a_default_secret_key_only_with_debug():
    ok = run_manage("check", env_overrides={"DJANGO_ENV": "development", "SECRET_KEY": ""})
    assert ok.returncode == 0, ok.stderr
    no_debug = run_manage(
        "check",
        env_overrides={"DJANGO_ENV": "development", "SECRET_KEY": "", "DJANGO_DEBUG": "0"},
    )
    assert no_debug.returncode != 0
    assert "SECRET_KEY is not set" in no_debug.stderr


def test_production_turns_on_https_only_settings():
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS >= 31536000, s.DEBUG)"
    )
    result = run_manage("shell", "-c", code, env_overrides=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-5:] == ["True", "True", "True", "True", "False"]


def test_every_response_carries_a_content_security_policy(client, db):  # home reads programs
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def placeholder_key() -> str:
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.startswith("SECRET_KEY="):
            return line.removeprefix("SECRET_KEY=")
    raise AssertionError(".env.example has no SECRET_KEY")


def test_production_refuses_the_placeholder_secret_key_from_env_example():
    result = run_manage("check", env_overrides={**PRODUCTION_ENV, "SECRET_KEY": placeholder_key()})
    assert result.returncode != 0
    assert "SECRET_KEY is the placeholder from .env.example" in result.stderr


def test_check_deploy_fails_with_the_placeholder_secret_key():
    env = {"DJANGO_ENV": "development", "SECRET_KEY": placeholder_key()}
    result = run_manage("check", "--deploy", env_overrides=env)
    assert result.returncode != 0
    assert "civiportal.E001" in result.stderr + result.stdout
