"""tf0.saved_model: export a pruned graph with its weights; load it without the code."""
from tf0.session.saved_model import Signature, load, save  # noqa: F401


def simple_save(session, export_dir, inputs, outputs, legacy_init_op=None):
    """TF1's simple_save, writing tf0's portable format."""
    return save(session, export_dir, inputs, outputs)
