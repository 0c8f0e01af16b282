"""Python helpers around the dbt project: running dbt in-process, importing Snowplow's
conformance events, the summary `make demo` prints."""
