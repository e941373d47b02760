"""tf.feature_column (TF1): columns that turn raw features into model inputs."""
from tf0.ops.feature_columns import (  # noqa: F401
    bucketized_column, categorical_column_with_hash_bucket, categorical_column_with_identity,
    categorical_column_with_vocabulary_file, categorical_column_with_vocabulary_list,
    crossed_column, embedding_column, indicator_column, input_layer, linear_model,
    make_parse_example_spec, numeric_column)
