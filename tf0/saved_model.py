"""tf0.saved_model: tf0's frozen export (save, and load(export_dir) -> a callable model), and
TF1's SavedModel API (builder, loader, signatures, constants) over tf0's files."""
from types import SimpleNamespace as _Namespace

from tf0.session import saved_model_builder as _b
from tf0.session.saved_model import Signature, save  # noqa: F401
from tf0.session.saved_model_builder import (  # noqa: F401
    CLASSIFY_INPUTS, CLASSIFY_METHOD_NAME, CLASSIFY_OUTPUT_CLASSES, CLASSIFY_OUTPUT_SCORES,
    DEFAULT_SERVING_SIGNATURE_DEF_KEY, GPU, PREDICT_INPUTS, PREDICT_METHOD_NAME,
    PREDICT_OUTPUTS, REGRESS_INPUTS, REGRESS_METHOD_NAME, REGRESS_OUTPUTS, SERVING, TPU,
    TRAINING, MetaGraphDef, SavedModelBuilder, SignatureDef, TensorInfo, build_signature_def,
    build_tensor_info, classification_signature_def, contains_saved_model,
    get_tensor_from_tensor_info, is_valid_signature, load, predict_signature_def,
    regression_signature_def, simple_save)

Builder = SavedModelBuilder
builder = _Namespace(SavedModelBuilder=SavedModelBuilder)
loader = _Namespace(load=_b.load_into, maybe_saved_model_directory=contains_saved_model)
maybe_saved_model_directory = contains_saved_model
tag_constants = _Namespace(SERVING=SERVING, TRAINING=TRAINING, GPU=GPU, TPU=TPU)
signature_constants = _Namespace(**{k: getattr(_b, k) for k in (
    "DEFAULT_SERVING_SIGNATURE_DEF_KEY", "PREDICT_METHOD_NAME", "CLASSIFY_METHOD_NAME",
    "REGRESS_METHOD_NAME", "PREDICT_INPUTS", "PREDICT_OUTPUTS", "CLASSIFY_INPUTS",
    "CLASSIFY_OUTPUT_CLASSES", "CLASSIFY_OUTPUT_SCORES", "REGRESS_INPUTS", "REGRESS_OUTPUTS")})
signature_def_utils = _Namespace(
    build_signature_def=build_signature_def, predict_signature_def=predict_signature_def,
    classification_signature_def=classification_signature_def,
    regression_signature_def=regression_signature_def, is_valid_signature=is_valid_signature)
utils = _Namespace(build_tensor_info=build_tensor_info,
                   get_tensor_from_tensor_info=get_tensor_from_tensor_info)
