"""PyTorch reference for `orrery-cli bench seq2seq`: the same model (GRU encoder, GRU decoder
started from tanh(W z + b), dot-product attention over W_a h_j, projection of [state; context] to
item space, negative-sampling loss with count^0.75 noise), the same batches (32 playlists of
similar length, the first 100 entries), Adam, on the smallest corpus file the bench exported.
Prints one JSON line: positions/s over the first BATCHES shuffled batches (its speed per position
does not depend on the corpus's size, and a whole epoch takes hours).
Usage: seq2seq_reference.py DIR THREADS HIDDEN [BATCHES]"""
import glob, json, os, sys, time

import numpy as np
import torch
import torch.nn.functional as F

folder, threads, hidden = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
limit = int(sys.argv[4]) if len(sys.argv) > 4 else 100
torch.set_num_threads(threads)
torch.manual_seed(1)
item_dim, negatives, batch, max_length = 50, 10, 32, 100


class Seq2seq(torch.nn.Module):
    def __init__(self, vocabulary):
        super().__init__()
        self.items = torch.nn.Embedding(vocabulary, item_dim)
        self.outputs = torch.nn.Embedding(vocabulary, item_dim)
        self.encoder = torch.nn.GRU(item_dim, hidden, batch_first=True)
        self.decoder = torch.nn.GRU(item_dim, hidden, batch_first=True)
        self.init = torch.nn.Linear(hidden, hidden)
        self.keys = torch.nn.Linear(hidden, hidden, bias=False)
        self.project = torch.nn.Linear(2 * hidden, item_dim)
        self.start = torch.nn.Parameter(torch.zeros(item_dim))

    def forward(self, tokens, lengths, noise):
        b, t = tokens.shape
        mask = torch.arange(t)[None, :] < lengths[:, None]
        x = self.items(tokens)
        packed = torch.nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        states, z = self.encoder(packed)
        states, _ = torch.nn.utils.rnn.pad_packed_sequence(states, batch_first=True, total_length=t)
        s0 = torch.tanh(self.init(z[0]))[None]
        inputs = torch.cat([self.start.expand(b, 1, item_dim), x[:, :-1]], dim=1)
        dec, _ = self.decoder(inputs, s0)
        logits = dec @ self.keys(states).transpose(1, 2)
        logits = logits.masked_fill(~mask[:, None, :], float("-inf"))
        context = torch.softmax(logits, dim=-1) @ states
        o = self.project(torch.cat([dec, context], dim=-1))
        pos = (o * self.outputs(tokens)).sum(-1)
        neg = torch.einsum("btd,btkd->btk", o, self.outputs(noise))
        loss = -(F.logsigmoid(pos) + F.logsigmoid(-neg).sum(-1))
        return (loss * mask).sum() / mask.sum()


for path in sorted(glob.glob(os.path.join(folder, "corpus_*.txt")), key=lambda p: int(p.split("_")[-1][:-4]))[:1]:
    playlists = [np.array(line.split(), dtype=np.int64)[:max_length] for line in open(path) if line.strip()]
    vocabulary = 1 + max(int(p.max()) for p in playlists)
    counts = np.bincount(np.concatenate(playlists), minlength=vocabulary).astype(np.float64)
    noise = torch.tensor(counts ** 0.75 / (counts ** 0.75).sum())
    model = Seq2seq(vocabulary)
    optimiser = torch.optim.Adam(model.parameters(), lr=2e-3)
    order = sorted(range(len(playlists)), key=lambda i: len(playlists[i]))
    batches = [order[i:i + batch] for i in range(0, len(order), batch)]
    np.random.default_rng(1).shuffle(batches)
    batches = batches[:limit]
    positions = sum(len(playlists[i]) for chosen in batches for i in chosen)
    start = time.perf_counter()
    for chosen in batches:
        lengths = torch.tensor([len(playlists[i]) for i in chosen])
        tokens = torch.zeros(len(chosen), int(lengths.max()), dtype=torch.int64)
        for row, i in enumerate(chosen):
            tokens[row, :len(playlists[i])] = torch.from_numpy(playlists[i])
        drawn = torch.multinomial(noise, tokens.numel() * negatives, replacement=True).view(*tokens.shape, negatives)
        optimiser.zero_grad()
        loss = model(tokens, lengths, drawn)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimiser.step()
    seconds = time.perf_counter() - start
    print(json.dumps({"bench": "seq2seq", "tool": "pytorch " + torch.__version__, "playlists": len(playlists),
                      "hidden": hidden, "threads": threads, "batches": len(batches), "seconds": round(seconds, 2),
                      "positions_per_s": round(positions / seconds), "loss": round(float(loss), 4)}))
