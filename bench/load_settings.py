"""Settings for the load test's server: the portal's own, plus a bare view for comparison.

Only bench/load_test.py uses these (DJANGO_SETTINGS_MODULE=bench.load_settings); the
portal's URLconf is untouched, so the bare view can never be reached in a deployment.
"""

from civiportal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load_urls"
