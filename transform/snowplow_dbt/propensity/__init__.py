"""Who will come back: the return-propensity model of the daily job (SEMANTICS.md).

warehouse.py reads features and writes scores in batches (DuckDB locally, BigQuery's
client in the cloud); model.py fits, evaluates and gates; run.py is the job's step.
"""
