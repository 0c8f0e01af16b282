#!/usr/bin/env bash
# What the job image's environment carries and never reads, taken out after install.sh:
#   transform/image/prune.sh VENV
# - google-api-python-client's discovery documents: ~110 MB for every Google API; the sync
#   builds only the Sheets v4 client, from its static document (static_discovery=True).
# - the test suites that pandas, numpy, pyarrow, SciPy and scikit-learn ship inside their
#   packages (~115 MB).
# - the bytecode of the Vertex AI and Gen AI clients: dbt-bigquery 1.12 requires them but
#   imports them only to submit Python models, which this project has none of. Their source
#   stays, so an import still works (compiled on the fly).
# - Babel's locale data but English: agate (dbt's tables) formats numbers in en_US only.
# - pyarrow's Arrow Flight RPC and S3 filesystem (and its C++ test module), its C++ headers
#   and Cython sources (for building extensions against it): the BigQuery client reads
#   Arrow record batches, never through Flight or S3. (libarrow_substrait stays: pyarrow's
#   core library links it.)
# Every removal is a path that must exist: a renamed folder fails the build, not silently.
set -euo pipefail
site=$(echo "${1:?usage: prune.sh VENV}"/lib/python3.*/site-packages)
test -d "$site"
documents="$site/googleapiclient/discovery_cache/documents"
test -f "$documents/sheets.v4.json"
find "$documents" -type f ! -name sheets.v4.json -delete
for folder in pandas/tests pyarrow/tests numpy/_core/tests scipy/stats/tests sklearn/tests; do
  test -d "$site/$folder"
done
rm -rf "$site/pandas/tests" "$site/pyarrow/tests"
for package in numpy scipy sklearn; do
  find "$site/$package" -type d -name tests -prune -exec rm -rf {} +
done
for package in google/cloud/aiplatform google/cloud/aiplatform_v1 google/cloud/aiplatform_v1beta1 \
  vertexai google/genai; do
  test -d "$site/$package"
  find "$site/$package" -type d -name __pycache__ -prune -exec rm -rf {} +
done
babel="$site/babel/locale-data"
test -f "$babel/en_US.dat"
find "$babel" -type f ! -name root.dat ! -name en.dat ! -name en_US.dat ! -name en_001.dat -delete
arrow="$site/pyarrow"
test -f "$arrow/libarrow_flight.so.2600"
test -d "$arrow/include"
rm -f "$arrow"/libarrow_flight.so* "$arrow"/libarrow_python_flight.so* "$arrow"/_flight.* \
  "$arrow"/flight.py "$arrow"/libarrow_s3.so* "$arrow"/_s3fs.* "$arrow"/_pyarrow_cpp_tests.* \
  "$arrow"/*.pxd "$arrow"/*.pyx "$arrow"/*.pxi
rm -rf "$arrow/include" "$arrow/includes" "$arrow/src"
