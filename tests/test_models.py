"""The lessons' models: order-blind bag, padding that never leaks, final states, forget bias."""

import pytest
import torch
from torch import nn

from widgets.initialization import set_forget_bias
from widgets.models import BagOfEmbeddings, LongRangeModel, RecurrentClassifier


def test_bag_of_embeddings_ignores_order_and_padding():
    torch.manual_seed(0)
    model = BagOfEmbeddings(vocab_size=10, embedding_dim=4, num_classes=2)
    ids = torch.tensor([[2, 3, 4, 0, 0], [4, 2, 3, 0, 0]])
    logits = model(ids, torch.tensor([3, 3]))
    torch.testing.assert_close(logits[0], logits[1])
    alone = model(torch.tensor([[2, 3, 4]]), torch.tensor([3]))
    torch.testing.assert_close(alone[0], logits[0])


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_padding_does_not_leak_into_the_final_state(kind, bidirectional):
    torch.manual_seed(0)
    model = RecurrentClassifier(12, 5, 6, 3, kind=kind, num_layers=2,
                                bidirectional=bidirectional).eval()
    short, long = [3, 4, 5], [6, 7, 8, 9, 10, 11]
    batch = torch.tensor([short + [0] * 3, long])
    together = model(batch, torch.tensor([3, 6]))
    alone = model(torch.tensor([short]), torch.tensor([3]))
    torch.testing.assert_close(together[0], alone[0])
    padded_unpacked = model.head(torch.cat(list(
        _h_n(model.rnn(model.embedding(batch[:1]))[1])[-(2 if bidirectional else 1):]), 1))
    assert not torch.allclose(padded_unpacked, alone), "padding should change an unpacked run"


def _h_n(final):
    return final[0] if isinstance(final, tuple) else final


def test_bidirectional_final_state_is_forward_last_and_backward_first():
    torch.manual_seed(0)
    model = RecurrentClassifier(12, 5, 6, 2, kind="gru", bidirectional=True).eval()
    ids = torch.tensor([[3, 4, 5, 6]])
    output, _ = model.rnn(model.embedding(ids))
    expected = torch.cat([output[0, -1, :6], output[0, 0, 6:]])
    torch.testing.assert_close(model.final_state(ids, torch.tensor([4]))[0], expected)


def test_long_range_model_and_forget_bias():
    torch.manual_seed(0)
    model = LongRangeModel("lstm", input_size=1, hidden_size=4, forget_bias=1.0)
    assert model(torch.zeros(3, 7, 1)).shape == (3, 1)
    total = model.rnn.bias_ih_l0 + model.rnn.bias_hh_l0
    torch.testing.assert_close(total[4:8], torch.ones(4))
    lstm = set_forget_bias(nn.LSTM(2, 3, num_layers=2), 3.0)
    for layer in range(2):
        b = getattr(lstm, f"bias_ih_l{layer}") + getattr(lstm, f"bias_hh_l{layer}")
        torch.testing.assert_close(b[3:6], torch.full((3,), 3.0))


@pytest.mark.parametrize("build, error, message", [
    (lambda: LongRangeModel("rnn", 1, 4, forget_bias=1.0), ValueError, "LSTM only"),
    (lambda: RecurrentClassifier(10, 4, 4, 2, kind="transformer"), ValueError, "`kind`"),
    (lambda: RecurrentClassifier(10, 4, 4, 2, num_layers=9), ValueError, "`num_layers`"),
    (lambda: BagOfEmbeddings(1, 4, 2), ValueError, "`vocab_size`"),
    (lambda: set_forget_bias(nn.GRU(2, 3), 1.0), TypeError, "`lstm`"),
])
def test_errors(build, error, message):
    with pytest.raises(error, match=message):
        build()
