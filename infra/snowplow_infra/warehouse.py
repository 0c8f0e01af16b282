"""BigQuery datasets per layer and the loader's tables, from the loader's contract.

raw holds raw_events, raw_events_bad_rows and load_manifest, declared from
``snowplow_infra.warehouse_tables`` (schema, day partitioning, clustering), with
deletion protection and the longest time travel window: the backup of raw data.
scratch holds the loader's per-file staging tables, removed by its default table
expiration; marts and analytics are dbt's targets. An environment whose events are in a
BigQuery Loader table (``events_source``) has no loader: only the models' two datasets.
"""

from cdktf_cdktf_provider_google.bigquery_dataset import BigqueryDataset
from cdktf_cdktf_provider_google.bigquery_dataset_iam_member import BigqueryDatasetIamMember
from cdktf_cdktf_provider_google.bigquery_table import (
    BigqueryTable,
    BigqueryTableTimePartitioning,
)
from constructs import Construct

from snowplow_infra.config import EnvironmentConfig
from snowplow_infra.warehouse_tables import LOADER_TABLES

LOADER_LAYERS = ("raw", "scratch")  # what the loader writes; nothing else uses them
MODEL_LAYERS = ("marts", "analytics")
LAYERS = (*LOADER_LAYERS, *MODEL_LAYERS)


class Warehouse(Construct):
    """The four datasets and the three loader tables of one environment (with_loader), or
    the models' two datasets alone."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        config: EnvironmentConfig,
        *,
        with_loader: bool = True,
    ):
        super().__init__(scope, construct_id)
        layers = LAYERS if with_loader else MODEL_LAYERS
        self.datasets = {layer: self._dataset(config, layer) for layer in layers}
        if not with_loader:
            self.tables: dict[str, BigqueryTable] = {}
            return
        raw = self.datasets["raw"]
        self.tables = {
            spec.table_id: BigqueryTable(
                self,
                spec.table_id,
                dataset_id=raw.dataset_id,
                table_id=spec.table_id,
                schema=spec.schema_json,
                time_partitioning=BigqueryTableTimePartitioning(
                    type="DAY", field=spec.partition_field
                )
                if spec.partition_field
                else None,
                clustering=list(spec.clustering) or None,
                deletion_protection=True,
            )
            for spec in LOADER_TABLES
        }

    def _dataset(self, config: EnvironmentConfig, layer: str) -> BigqueryDataset:
        scratch = layer == "scratch"
        return BigqueryDataset(
            self,
            layer,
            dataset_id=config.dataset_of(layer),
            location=config.location,
            description=f"Snowplow {layer} layer ({config.name})",
            max_time_travel_hours=str(config.time_travel_hours),
            default_table_expiration_ms=config.scratch_table_expiration_hours * 3_600_000
            if scratch
            else None,
            delete_contents_on_destroy=scratch,
        )

    def grant(
        self, construct_id: str, layer: str, role: str, member: str
    ) -> BigqueryDatasetIamMember:
        """A role on one dataset (its tables, present and future), never the project."""
        return BigqueryDatasetIamMember(
            self,
            construct_id,
            dataset_id=self.datasets[layer].dataset_id,
            role=role,
            member=member,
        )
