"""The dbt profile's BigQuery targets take their byte cap from SNOWPLOW_MAX_BYTES_BILLED,
read through dbt's own profile renderer (as dbt-bigquery receives it: an integer)."""

import os
from argparse import Namespace

import pytest
from dbt.config.profile import Profile, read_profile
from dbt.config.renderer import ProfileRenderer
from dbt.flags import set_from_args
from dbt_common.context import set_invocation_context
from snowplow_dbt.runner import PROJECT_DIR


def byte_cap(target: str) -> object:
    set_from_args(Namespace(), None)  # dbt's defaults, as a command line without flags
    set_invocation_context(dict(os.environ))  # what env_var() reads
    profile = Profile.from_raw_profiles(
        read_profile(str(PROJECT_DIR)), "snowplow", ProfileRenderer({}), target_override=target
    )
    return getattr(profile.credentials, "maximum_bytes_billed", None)


@pytest.mark.parametrize("target", ["dev", "prod", "emulator"])
def test_the_byte_cap_comes_from_the_environment(
    target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SNOWPLOW_PROJECT", "my-project-dev")
    monkeypatch.setenv("SNOWPLOW_MAX_BYTES_BILLED", "50000000000")
    assert byte_cap(target) == 50_000_000_000
    monkeypatch.delenv("SNOWPLOW_MAX_BYTES_BILLED")
    assert byte_cap(target) == 0  # dbt-bigquery sets no cap for 0
