"""tf.graph_util (TF1): freezing and pruning GraphDefs."""
from tf0.session.graph_util import (convert_variables_to_constants,  # noqa: F401
                                    extract_sub_graph, remove_training_nodes)
