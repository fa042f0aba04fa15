"""Sentence encoding with onnxruntime, without torch.

Importing sentence-transformers pulls in torch and transformers: seconds before the first
question can be encoded, for a model whose forward pass takes milliseconds. For the BERT
family (all-MiniLM-L6-v2, bge, the English e5 models...), the sentence-transformers model is
written here as an ONNX graph straight from its safetensors weights: embeddings, the encoder
layers, then the model's pooling. No export, no torch, no network. onnxruntime runs the
graph and the `tokenizers` package reads the model's own tokenizer.json, so the vectors are
the ones sentence-transformers computes (tests/test_onnx_encoder.py checks cosine > 0.999).

Models of another architecture, pooling or layout are not converted (`UnsupportedModel`);
`embedding.Embedder` then falls back to sentence-transformers.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

CONVERTER_VERSION = 1  # bump when the graph changes, so old files are not reused
_OPSET = 17  # LayerNormalization is a plain ONNX op from 17 on
_MASKED = -1e9  # added to attention scores of padding tokens
_WINDOW = 4096  # texts tokenized and length-sorted together when encoding many


class UnsupportedModel(Exception):
    """The model is not one this converter writes (the caller falls back)."""


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a .safetensors file as numpy arrays (the `safetensors` package's own
    reader)."""
    from safetensors.numpy import load_file

    return load_file(str(path))


def _model_layout(model_dir: Path) -> dict:
    """What the converter needs from a sentence-transformers folder, or UnsupportedModel."""

    def read(name: str) -> dict:
        path = model_dir / name
        return json.loads(path.read_text("utf-8")) if path.is_file() else {}

    config = read("config.json")
    modules = read("modules.json")
    if not isinstance(modules, list) or len(modules) < 2:
        raise UnsupportedModel("no sentence-transformers modules.json")
    kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
    if kinds[:2] != ["Transformer", "Pooling"] or any(k != "Normalize" for k in kinds[2:]):
        raise UnsupportedModel(f"modules {kinds}")
    if modules[0].get("path"):
        raise UnsupportedModel("transformer in a subfolder")
    if config.get("model_type") != "bert":
        raise UnsupportedModel(f"model type {config.get('model_type')!r}")
    if config.get("position_embedding_type", "absolute") != "absolute":
        raise UnsupportedModel("relative position embeddings")
    if config.get("hidden_act") != "gelu":
        raise UnsupportedModel(f"activation {config.get('hidden_act')!r}")
    pooling = read(f"{modules[1]['path']}/config.json")
    modes = [k for k, v in pooling.items() if k.startswith("pooling_mode_") and v]
    if modes not in (["pooling_mode_mean_tokens"], ["pooling_mode_cls_token"]):
        raise UnsupportedModel(f"pooling {modes}")
    if (
        not (model_dir / "model.safetensors").is_file()
        or not (model_dir / "tokenizer.json").is_file()
    ):
        raise UnsupportedModel("no model.safetensors or tokenizer.json")
    st_config = read("sentence_bert_config.json")
    return {
        "config": config,
        "pooling": "mean" if modes == ["pooling_mode_mean_tokens"] else "cls",
        "normalize": "Normalize" in kinds,
        "max_length": min(
            int(st_config.get("max_seq_length") or config["max_position_embeddings"]),
            int(config["max_position_embeddings"]),
        ),
        "lower_case": bool(st_config.get("do_lower_case", False)),
    }


def convert(model_dir: str | Path, target: str | Path) -> Path:
    """Write the sentence-transformers model in `model_dir` as an ONNX graph at `target`.

    The graph takes input_ids, attention_mask and token_type_ids ([batch, tokens], int64)
    and returns the pooled sentence embedding ([batch, dim], not normalised); the settings
    the encoder needs (pooling, normalisation, maximum length) go to `target`.json.
    Raises UnsupportedModel for models it does not handle.
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model_dir, target = Path(model_dir), Path(target)
    layout = _model_layout(model_dir)
    config = layout["config"]
    weights = read_safetensors(model_dir / "model.safetensors")
    prefix = "bert." if "bert.embeddings.word_embeddings.weight" in weights else ""
    hidden, heads = int(config["hidden_size"]), int(config["num_attention_heads"])
    eps = float(config.get("layer_norm_eps", 1e-12))

    nodes: list = []
    initializers: list = []

    def const(name: str, array) -> str:
        initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def weight(name: str, transpose: bool = False) -> str:
        array = weights[prefix + name].astype(np.float32)
        return const(name, array.T if transpose else array)

    def node(op: str, inputs: list[str], name: str, **attrs) -> str:
        nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def linear(x: str, name: str, out: str) -> str:
        product = node("MatMul", [x, weight(f"{name}.weight", transpose=True)], f"{out}/matmul")
        return node("Add", [product, weight(f"{name}.bias")], out)

    def layer_norm(x: str, name: str, out: str) -> str:
        inputs = [x, weight(f"{name}.weight"), weight(f"{name}.bias")]
        return node("LayerNormalization", inputs, out, axis=-1, epsilon=eps)

    const("axis1", np.array([1], dtype=np.int64))
    const("zero", np.array([0], dtype=np.int64))
    const("one_f", np.array(1.0, dtype=np.float32))
    const("half_f", np.array(0.5, dtype=np.float32))
    const("sqrt2_f", np.array(np.sqrt(2.0), dtype=np.float32))
    const("masked_f", np.array(_MASKED, dtype=np.float32))
    const("scale_f", np.array(1.0 / np.sqrt(hidden // heads), dtype=np.float32))
    const("heads_shape", np.array([0, 0, heads, hidden // heads], dtype=np.int64))
    const("hidden_shape", np.array([0, 0, hidden], dtype=np.int64))

    # Embeddings: word + position + token type, then LayerNorm.
    words = node("Gather", [weight("embeddings.word_embeddings.weight"), "input_ids"], "words")
    shape = node("Shape", ["input_ids"], "ids_shape")
    length = node("Gather", [shape, "axis1"], "length")
    positions = node(
        "Slice",
        [weight("embeddings.position_embeddings.weight"), "zero", length, "zero"],
        "positions",
    )
    types = node(
        "Gather", [weight("embeddings.token_type_embeddings.weight"), "token_type_ids"], "types"
    )
    summed = node("Add", [node("Add", [words, positions], "words_positions"), types], "emb_sum")
    x = layer_norm(summed, "embeddings.LayerNorm", "embedded")

    # Padding never receives attention: (1 - mask) * -1e9 added to the scores.
    mask = node("Cast", ["attention_mask"], "mask_f", to=TensorProto.FLOAT)
    inverted = node("Sub", ["one_f", mask], "mask_inverted")
    bias = node("Mul", [inverted, "masked_f"], "mask_bias_2d")
    bias = node("Unsqueeze", [bias, const("axes12", np.array([1, 2], dtype=np.int64))], "bias")

    for i in range(int(config["num_hidden_layers"])):
        p, name = f"encoder.layer.{i}.", f"l{i}"

        def split_heads(t: str, perm: list[int], label: str, name=name) -> str:
            reshaped = node("Reshape", [t, "heads_shape"], f"{name}/{label}_heads")
            return node("Transpose", [reshaped], f"{name}/{label}_t", perm=perm)

        q = split_heads(linear(x, p + "attention.self.query", f"{name}/q"), [0, 2, 1, 3], "q")
        k = split_heads(linear(x, p + "attention.self.key", f"{name}/k"), [0, 2, 3, 1], "k")
        v = split_heads(linear(x, p + "attention.self.value", f"{name}/v"), [0, 2, 1, 3], "v")
        scores = node("MatMul", [q, k], f"{name}/scores")
        scores = node("Mul", [scores, "scale_f"], f"{name}/scaled")
        scores = node("Add", [scores, bias], f"{name}/masked")
        probs = node("Softmax", [scores], f"{name}/probs", axis=-1)
        context = node("MatMul", [probs, v], f"{name}/context")
        context = node("Transpose", [context], f"{name}/context_t", perm=[0, 2, 1, 3])
        context = node("Reshape", [context, "hidden_shape"], f"{name}/context_merged")
        attended = linear(context, p + "attention.output.dense", f"{name}/attn_out")
        residual = node("Add", [attended, x], f"{name}/attn_residual")
        x = layer_norm(residual, p + "attention.output.LayerNorm", f"{name}/attn_norm")

        # GELU, exact (erf) form, written as the pattern onnxruntime fuses.
        h = linear(x, p + "intermediate.dense", f"{name}/inter")
        erf = node("Erf", [node("Div", [h, "sqrt2_f"], f"{name}/gelu_div")], f"{name}/gelu_erf")
        gelu = node("Add", [erf, "one_f"], f"{name}/gelu_add")
        gelu = node("Mul", [h, gelu], f"{name}/gelu_mul")
        gelu = node("Mul", [gelu, "half_f"], f"{name}/gelu")
        out = linear(gelu, p + "output.dense", f"{name}/out")
        residual = node("Add", [out, x], f"{name}/out_residual")
        x = layer_norm(residual, p + "output.LayerNorm", f"{name}/out_norm")

    if layout["pooling"] == "cls":
        first = node("Gather", [x, const("first", np.array(0, dtype=np.int64))], "cls", axis=1)
        node("Identity", [first], "sentence_embedding")
    else:  # mean over the real tokens
        mask3 = node("Unsqueeze", [mask, const("axes2", np.array([2], dtype=np.int64))], "mask3")
        total = node(
            "ReduceSum", [node("Mul", [x, mask3], "masked_tokens"), "axis1"], "total", keepdims=0
        )
        count = node("ReduceSum", [mask, "axis1"], "count", keepdims=1)
        count = node("Max", [count, const("tiny", np.array(1e-9, dtype=np.float32))], "count_min")
        node("Div", [total, count], "sentence_embedding")

    dims = ["batch", "tokens"]
    graph = helper.make_graph(
        nodes,
        "sentence_encoder",
        [
            helper.make_tensor_value_info(n, TensorProto.INT64, dims)
            for n in ("input_ids", "attention_mask", "token_type_ids")
        ],
        [helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", hidden])],
        initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", _OPSET)])
    model.ir_version = 8  # readable by every onnxruntime that knows opset 17
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    onnx.save_model(model, str(tmp))
    meta = {key: layout[key] for key in ("pooling", "normalize", "max_length", "lower_case")}
    meta["converter"] = CONVERTER_VERSION
    Path(f"{tmp}.json").write_text(json.dumps(meta), "utf-8")
    os.replace(f"{tmp}.json", f"{target}.json")
    os.replace(tmp, target)  # the .onnx last: its presence means both files are whole
    return target


def is_converted(target: str | Path) -> bool:
    """Whether `target` holds a complete graph written by this version of the converter."""
    target = Path(target)
    try:
        meta = json.loads(Path(f"{target}.json").read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return target.is_file() and meta.get("converter") == CONVERTER_VERSION


class OnnxEncoder:
    """Encodes texts with a converted graph and the model's own tokenizer."""

    def __init__(self, graph: str | Path, model_dir: str | Path, batch_size: int = 8):
        import onnxruntime
        from tokenizers import Tokenizer

        meta = json.loads(Path(f"{graph}.json").read_text("utf-8"))
        self.normalize = bool(meta["normalize"])
        self.lower_case = bool(meta["lower_case"])
        self.batch_size = batch_size
        self._tokenizer = Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
        self._tokenizer.enable_truncation(int(meta["max_length"]))
        self._tokenizer.no_padding()
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        # Busy-waiting worker threads only steal time from a shared machine; a question is
        # one small batch anyway.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(
            str(graph), options, providers=["CPUExecutionProvider"]
        )
        self.dimension = int(self._session.get_outputs()[0].shape[1])

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        """Vectors for `texts` ([len(texts), dim], float32), normalised if the model is."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        progress = None
        if show_progress:
            from tqdm import tqdm

            progress = tqdm(total=len(texts), desc="Embedding", unit="passage")
        # A window at a time, so that a large corpus is never tokenized all at once.
        for window in range(0, len(texts), _WINDOW):
            prepared = [
                t.strip().lower() if self.lower_case else t.strip()
                for t in texts[window : window + _WINDOW]
            ]
            encodings = self._tokenizer.encode_batch(prepared)
            # Batches of similar length waste little on padding; rows go back in place.
            order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
            for start in range(0, len(order), self.batch_size):
                batch = order[start : start + self.batch_size]
                out[[window + i for i in batch]] = self._run([encodings[i] for i in batch])
                if progress is not None:
                    progress.update(len(batch))
        if progress is not None:
            progress.close()
        if self.normalize:
            out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out

    def _run(self, encodings) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        feeds = {
            name: np.zeros((len(encodings), width), dtype=np.int64)
            for name in ("input_ids", "attention_mask", "token_type_ids")
        }
        for row, e in enumerate(encodings):
            feeds["input_ids"][row, : len(e.ids)] = e.ids
            feeds["attention_mask"][row, : len(e.ids)] = e.attention_mask
            feeds["token_type_ids"][row, : len(e.ids)] = e.type_ids
        return self._session.run(None, feeds)[0]
