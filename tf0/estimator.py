"""tf.estimator: Estimator with a model_fn, RunConfig, EstimatorSpec, ModeKeys,
train_and_evaluate, exporters, serving receivers and inputs.numpy_input_fn."""
from types import SimpleNamespace as _Namespace

from tf0.session.estimator import (ClassificationOutput, Estimator,  # noqa: F401
                                   EstimatorSpec, EvalSpec, Exporter, FinalExporter,
                                   LatestExporter, ModeKeys, PredictOutput, RegressionOutput,
                                   RunConfig, ServingInputReceiver, TrainSpec,
                                   build_parsing_serving_input_receiver_fn,
                                   build_raw_serving_input_receiver_fn, numpy_input_fn,
                                   train_and_evaluate)

export = _Namespace(
    PredictOutput=PredictOutput, ClassificationOutput=ClassificationOutput,
    RegressionOutput=RegressionOutput, ServingInputReceiver=ServingInputReceiver,
    build_raw_serving_input_receiver_fn=build_raw_serving_input_receiver_fn,
    build_parsing_serving_input_receiver_fn=build_parsing_serving_input_receiver_fn)
inputs = _Namespace(numpy_input_fn=numpy_input_fn)
from tf0.session.premade_estimators import (DNNClassifier, DNNRegressor,  # noqa: E402,F401
                                            DNNLinearCombinedClassifier,
                                            DNNLinearCombinedRegressor, LinearClassifier,
                                            LinearRegressor)
from tf0.session.checkpoint_init import WarmStartSettings  # noqa: E402,F401
