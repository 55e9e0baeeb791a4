"""Lesson 09's character language model: the committed text and model, perplexity and
sampling numbers checked independently, determinism, training with truncated BPTT, the
parser features and the cell table, and the precompute command on a reduced setting."""

import hashlib
import math
import shutil

import numpy as np
import pytest
import torch
from torch import nn

import widgets
from widgets import experiments
from widgets.char_features import cell_table, char_features, lstm_states, pearson
from widgets.char_lm import (
    MODEL_FILE,
    CharLM,
    CharVocab,
    generate,
    save_char_model,
    temperature_probs,
)
from widgets.char_training import (
    HELD_OUT_PERPLEXITY,
    PRECOMPUTED,
    chunked_loss,
    stream_chunks,
    train_char_lm,
)
from widgets.data import corpus as corpus_module

CHARS = list("ab(c) \n'#")


@pytest.fixture(scope="module")
def corpus():
    return corpus_module.load_corpus()


@pytest.fixture
def tiny():
    torch.manual_seed(0)
    return CharLM(len(CHARS), embedding_dim=4, hidden_size=8), CharVocab(CHARS)


# --- the committed text ---------------------------------------------------------------------

def test_snapshot_is_byte_stable_and_split_by_files(corpus):
    manifest = corpus_module.read_manifest()
    folder = corpus_module.STDLIB_DIR
    for name, digest in manifest.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    assert len(manifest) == 20 and "LICENSE.txt" in manifest
    assert "PYTHON SOFTWARE FOUNDATION LICENSE" in (folder / "LICENSE.txt").read_text()
    assert set(corpus_module.TRAIN_MODULES).isdisjoint(corpus_module.HELD_OUT_MODULES)
    assert corpus.held_out == corpus.files["textwrap"]
    assert corpus.held_out not in corpus.train
    assert set(corpus.held_out) <= set(corpus.chars)
    assert 250_000 < len(corpus.train) < 400_000


def test_a_changed_byte_is_refused(tmp_path):
    copy = tmp_path / "stdlib"
    shutil.copytree(corpus_module.STDLIB_DIR, copy)
    path = copy / "abc.py.txt"
    path.write_bytes(path.read_bytes().replace(b"ABC", b"ABD", 1))
    with pytest.raises(ValueError, match="abc.py.txt differs from its sha256"):
        corpus_module.load_corpus(copy)


def test_baselines_match_their_closed_forms():
    train, test = np.array([0, 0, 1, 0, 2]), np.array([0, 1, 0])
    p = np.array([3 + 1, 1 + 1, 1 + 1, 0 + 1]) / (5 + 4)  # add-one unigram, V = 4
    assert corpus_module.unigram_perplexity(train, test, 4) == pytest.approx(
        math.exp(-(math.log(p[1]) + math.log(p[0])) / 2))
    pairs = {(0, 1): (1 + 1) / (3 + 4), (1, 0): (1 + 1) / (1 + 4)}  # from 0: 00 01 02
    assert corpus_module.bigram_perplexity(train, test, 4) == pytest.approx(
        math.exp(-(math.log(pairs[0, 1]) + math.log(pairs[1, 0])) / 2))


# --- perplexity and sampling ----------------------------------------------------------------

def test_perplexity_is_exp_of_torchs_cross_entropy_step_by_step(tiny):
    model, vocab = tiny
    text = "a(b) c\n#'ab"
    ids = vocab.encode(text)
    state, losses = None, []
    with torch.no_grad():
        for t in range(len(ids) - 1):  # one character at a time, the state carried
            logits, state = model(ids[None, t:t + 1], state)
            losses.append(nn.CrossEntropyLoss()(logits[0], ids[t + 1:t + 2]))
    assert widgets.perplexity(model, vocab, text) == pytest.approx(
        math.exp(float(torch.stack(losses).mean())), rel=1e-5)


def test_a_unigram_model_has_the_closed_form_perplexity(tiny):
    model, vocab = tiny
    p = torch.tensor([0.3, 0.2, 0.1, 0.1, 0.05, 0.1, 0.05, 0.05, 0.05])
    with torch.no_grad():
        model.head.weight.zero_()
        model.head.bias.copy_(p.log())  # the same distribution whatever it read
    text = "ab(c) \nab"
    ids = vocab.encode(text)
    expected = math.exp(-float(p[ids[1:]].log().mean()))
    assert widgets.perplexity(model, vocab, text) == pytest.approx(expected, rel=1e-6)


def test_temperature_probs_is_a_scaled_softmax():
    logits = np.array([2.0, -1.0, 0.5, 2.0])
    for t in (0.3, 1.0, 4.0):
        expected = torch.softmax(torch.tensor(logits) / t, 0).numpy()
        np.testing.assert_allclose(temperature_probs(logits, t), expected, atol=1e-12)
    np.testing.assert_array_equal(temperature_probs(logits, 0), [1, 0, 0, 0])


def test_sampling_is_deterministic_and_greedy_is_the_argmax_chain(tiny):
    model, vocab = tiny
    first = widgets.sample(model, vocab, "a(", 40, temperature=1.0, generator=3)
    assert len(first) == 40 and set(first) <= set(CHARS)
    assert first == widgets.sample(model, vocab, "a(", 40, 1.0, torch.Generator().manual_seed(3))
    assert first != widgets.sample(model, vocab, "a(", 40, 1.0, generator=4)
    assert widgets.sample(model, vocab, "a", 0) == ""
    text, state = "a(", None
    with torch.no_grad():
        logits, state = model(vocab.encode(text)[None])
        for _ in range(15):
            pick = int(logits[0, -1].argmax())
            text += vocab.chars[pick]
            logits, state = model(torch.tensor([[pick]]), state)
    assert widgets.sample(model, vocab, "a(", 15, temperature=0) == text[2:]


def test_the_generation_record_matches_the_draws(tiny):
    model, vocab = tiny
    record = generate(model, vocab, "ab", 20, temperature=0.7, generator=1, top_k=3)
    assert record.text == widgets.sample(model, vocab, "ab", 20, 0.7, generator=1)
    assert record.top_probs.shape == (20, 3) and record.drawn_probs.shape == (20,)
    assert np.all(np.diff(record.top_probs, axis=1) <= 0) and np.all(record.top_probs <= 1)
    for step, char in enumerate(record.chars):
        if char in record.top_chars[step]:
            k = record.top_chars[step].index(char)
            assert record.top_probs[step, k] == pytest.approx(record.drawn_probs[step])


@pytest.mark.parametrize("call, error, match", [
    (lambda m, v: widgets.sample(m, v, "ab", -1), ValueError, "`length` must be in"),
    (lambda m, v: widgets.sample(m, v, "ab", 5, temperature=-0.5), ValueError, "`temperature`"),
    (lambda m, v: widgets.sample(m, v, "", 5), ValueError, "`prime` must hold at least one"),
    (lambda m, v: widgets.sample(m, v, "aé", 5), ValueError, r"`prime` must use only .*'é'"),
    (lambda m, v: widgets.sample(nn.Linear(3, 3), v, "ab", 5), TypeError, "`model` must be a "
     "character language model"),
    (lambda m, v: widgets.perplexity(m, CharVocab(list("ab")), "ab"), ValueError, "`vocab` has 2"),
    (lambda m, v: widgets.perplexity(m, v, "a"), ValueError, "`text` must have at least 2"),
    (lambda m, v: widgets.sample(m, v, "ab", 5, generator="x"), TypeError, "`generator` must"),
])
def test_bad_input_names_the_argument(tiny, call, error, match):
    with pytest.raises(error, match=match):
        call(*tiny)


# --- training -------------------------------------------------------------------------------

def test_stream_chunks_continue_each_row():
    ids = torch.arange(1001)
    inputs, targets = stream_chunks(ids, batch_size=4, seq_len=10)
    assert inputs.shape == targets.shape == (4, 25, 10)
    assert torch.equal(targets, inputs + 1)
    assert torch.equal(inputs[:, 1:, 0], inputs[:, :-1, -1] + 1)  # chunk k goes on from k-1


def test_training_lowers_the_loss_and_records_norms_before_clipping(tiny, corpus):
    model, _ = tiny
    vocab = CharVocab(corpus.chars)
    torch.manual_seed(0)
    model = CharLM(len(vocab), 8, 16)
    log = train_char_lm(model, vocab.encode(corpus.train[:20_000]), steps=60, batch_size=8,
                        seq_len=20, lr=1e-2, clip=0.01)
    assert len(log.loss) == len(log.grad_norm) == 60 and log.characters == 60 * 8 * 20
    assert np.mean(log.loss[-10:]) < np.mean(log.loss[:10])
    assert max(log.grad_norm) > 0.01  # recorded before clipping, so above the clip
    ids = vocab.encode(corpus.held_out[:3000])
    assert chunked_loss(model, ids, 50, carry=True) != chunked_loss(model, ids, 50, carry=False)


# --- the committed model and its command ----------------------------------------------------

def test_committed_model_loads_weights_only_and_reaches_its_recorded_perplexity(corpus):
    assert MODEL_FILE.stat().st_size <= 2_000_000
    saved = torch.load(MODEL_FILE, weights_only=True)
    assert set(saved) == {"state_dict", "config", "chars", "info"}
    model, vocab = widgets.load_char_model()
    assert vocab.chars == corpus.chars
    assert {k: model.info[k] for k in PRECOMPUTED} == PRECOMPUTED
    assert model.info["held_out_perplexity"] == HELD_OUT_PERPLEXITY
    measured = widgets.perplexity(model, vocab, corpus.held_out)
    assert measured == pytest.approx(HELD_OUT_PERPLEXITY, abs=1e-3)
    unigram = corpus_module.unigram_perplexity(vocab.encode(corpus.train),
                                               vocab.encode(corpus.held_out), len(vocab))
    assert measured < unigram / 3


def test_reduced_rerun_of_the_command(tmp_path, capsys):
    out = tmp_path / "char_lm.pt"
    assert experiments.main(["char-lm", "--steps", "5", "--out", str(out)]) == 0
    model, vocab = widgets.load_char_model(out)
    assert model.info["steps"] == 5 and model.info["characters"] == 5 * 32 * 100
    assert len(widgets.sample(model, vocab, "def ", 10, generator=0)) == 10
    assert '"held_out_perplexity"' in capsys.readouterr().out


def test_save_and_load_round_trip(tiny, tmp_path):
    model, vocab = tiny
    save_char_model(model, vocab, tmp_path / "m.pt", note="x")
    loaded, loaded_vocab = widgets.load_char_model(tmp_path / "m.pt")
    assert loaded_vocab.chars == CHARS and loaded.info == {"note": "x"}
    assert widgets.perplexity(loaded, loaded_vocab, "ab(c)") == pytest.approx(
        widgets.perplexity(model, vocab, "ab(c)"))
    (tmp_path / "bad.pt").write_text("not a model")
    with pytest.raises(ValueError, match="`path` must be a model saved by save_char_model"):
        widgets.load_char_model(tmp_path / "bad.pt")


# --- the cells that read code ---------------------------------------------------------------

def test_parser_features_of_a_small_module():
    text = 'x = f("a(", [1,\n    2])  # (\n'
    features = char_features(text)
    at = {name: dict(zip(range(len(text)), values, strict=True))
          for name, values in features.items()}
    assert [int(at["inside a string"][i]) for i in range(6, 10)] == [1, 1, 1, 1]
    assert at["inside a string"][5] == 0 and at["bracket depth"][8] == 1  # '(' in a string
    assert at["bracket depth"][12] == 2 and at["bracket depth"][22] == 0
    assert at["inside a comment"][25] == 1 and at["bracket depth"][27] == 0  # '(' in a comment
    assert at["indentation"][20] == 4 and at["column"][20] == 4 and at["column"][16] == 0


def test_pearson_and_the_cell_table_pick_the_tracking_unit():
    rng = np.random.default_rng(0)
    feature = rng.normal(size=200)
    states = rng.normal(size=(200, 5))
    states[:, 3] = -2 * feature + 0.1 * rng.normal(size=200)
    r = pearson(states, feature)
    np.testing.assert_allclose(r, [np.corrcoef(states[:, u], feature)[0, 1] for u in range(5)])
    rows = cell_table({"f": feature}, states, np.zeros((200, 5)))
    assert (rows[0].state, rows[0].unit) == ("h", 3) and rows[0].r < -0.9
    assert rows[1].r == 0.0  # a constant state correlates with nothing


def test_lstm_states_equal_the_course_trace(tiny):
    model, vocab = tiny
    ids = vocab.encode("a(b) c\n#'ab(")
    hidden, cell = lstm_states(model, ids)
    with torch.no_grad():
        trace = widgets.trace(model.rnn, model.embedding(ids))
    np.testing.assert_allclose(hidden, trace.hidden[0, 0], atol=1e-6)
    np.testing.assert_allclose(cell, trace.cell[0, 0], atol=1e-6)
    assert next(model.rnn.parameters()).dtype == torch.float32  # left as it was
