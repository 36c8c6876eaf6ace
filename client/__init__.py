"""A small command-line client for Distillery's public REST API (no server code imported).

    export DISTILLERY_URL=http://127.0.0.1:8000 DISTILLERY_TOKEN=dst_...
    python -m client launch run.yaml --wait
"""
