"""The CDKTF app: the bootstrap stack and one stack per environment file."""

from pathlib import Path

from cdktf import App

from snowplow_infra.config import ENVIRONMENTS_DIR, load_all
from snowplow_infra.stacks import BootstrapStack, EnvironmentStack

BOOTSTRAP_STACK = "bootstrap"


def build_app(app: App | None = None, environments_dir: Path = ENVIRONMENTS_DIR) -> App:
    """Add every stack to app (a new App writing to cdktf.out by default)."""
    app = app or App()
    bootstrap, environments = load_all(environments_dir)
    BootstrapStack(app, BOOTSTRAP_STACK, bootstrap, environments)
    for environment in environments:
        EnvironmentStack(app, environment, bootstrap)
    return app
