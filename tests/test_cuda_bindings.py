"""Every registered op runs on the CUDA backend through kernels that exist: each OpDef
names kernels found in the compiled PTX (op codes in kernels/opcodes.py), and has a CUDA
binding unless it is one of the few ops that compute from shapes on the host by design.
Runs without a GPU (NVRTC wheels)."""
import pytest

from tf0.engine.op_def import REGISTRY
from tf0.kernels import loader, opcodes
from tf0.session.cuda_backend import CudaPlanContext
from tf0.session.cuda_ops import BINDERS, HOST_OPS
from nvrtc_check import kernel_names, nvrtc

# Ops that launch no kernel of their own, and why.
NO_KERNEL = {
    "Placeholder": "filled from the feed", "Const": "uploaded once per plan",
    "Identity": "aliases its input", "StopGradient": "aliases its input",
    "IdentityN": "aliases its inputs",
    "PlaceholderWithDefault": "aliases its input", "NoOp": "no output",
    "Reshape": "a view", "ExpandDims": "a view", "Squeeze": "a view",
    "Shape": "host: from the shape", "Size": "host: from the shape",
    "Rank": "host: from the shape", "ReducedShape": "host: from a shape",
    "VariableV2": "session state", "ReadVariable": "session state",
    "Assign": "device-to-device memcpy", "IsVariableInitialized": "host: session state",
    "MakeIterator": "tf.data: host pipeline", "IteratorGetNext": "tf.data: pinned uploads",
    "CondMerge": "tf.cond: passes on one of its inputs", "Assert": "host: checks a condition",
    "Print": "host: writes downloaded values", "CheckNumerics": "host: checks a download",
    "PyFunc": "host: the user's Python function",
    "CandidateSampler": "host: keeps each new draw, one after another",
    "CheckpointValue": "host: reads a checkpoint file",
    **{t: "host: a queue's rows live on the host" for t in (
        "QueueEnqueue", "QueueDequeue", "QueueClose", "QueueSize", "QueueIsClosed",
        "LimitEpochs")},
    **{t: "host: readers read files" for t in (
        "ReaderRead", "ReaderNumRecordsProduced", "ReaderNumWorkUnitsCompleted",
        "ReaderReset", "ReadFile", "MatchingFiles")},
    "DecodeCSV": "host: parses byte strings",
    "RandomGamma": "host: a rejection sampler over Philox",
    **{t: "host: loops over boxes" for t in ("NonMaxSuppression",
                                             "SampleDistortedBoundingBox",
                                             "DrawBoundingBoxes")},
    **{t: "host: strings to ids and back" for t in ("VocabularyLookup", "ClassNames",
                                                     "TableLookup")},
    **{t: "host: tf.strings" for t in (
        "StringStrip", "StringLower", "StringUpper", "StringLength", "RegexReplace",
        "RegexFullMatch", "StringToNumber", "AsString", "StringJoin", "ReduceJoin", "Substr",
        "StringSplit", "SparseStringsToDense")},
    **{t: "host: PNG files are byte strings" for t in ("EncodePng", "DecodePng")},
    **{t: "host: hashes of byte strings (TF1's, bit for bit)" for t in (
        "StringToHashBucketFast", "StringToHashBucketStrong", "StringToHashBucket",
        "Fingerprint", "SparseCross", "DenseCross")},
    **{t: "host: CTC's per-sequence recursions" for t in (
        "CTCLoss", "CTCGreedyDecoder", "CTCBeamSearchDecoder")},
    "EditDistance": "host: a dynamic program per pair of sequences",
    "MaxPoolArgmax": "host: where each window's maximum was (its output is a MaxPool)",
    "CrfDecode": "host: Viterbi per sequence",
    **{t: "host: TF's stateless numbers (small draws for augmentation)" for t in (
        "StatelessRandomUniform", "StatelessRandomNormal", "StatelessRandomUniformInt",
        "StatelessTruncatedNormal")},
    **{t: "host: NumPy's LAPACK" for t in (
        "MatrixInverse", "MatrixDeterminant", "MatrixSolve", "Cholesky",
        "MatrixTriangularSolve", "SelfAdjointEigV2", "Qr", "Svd", "LogMatrixDeterminant")},
    **{t: "host: NumPy's ufunc.at" for t in ("UnsortedSegmentMax", "UnsortedSegmentMin",
                                              "UnsortedSegmentProd")},
    "ParseExample": "host: parses byte strings", "DecodeRaw": "host: reads byte strings",
    **{t: "host: serializes downloaded values" for t in (
        "ScalarSummary", "HistogramSummary", "ImageSummary", "MergeSummary",
        "TensorSummary")},
    "While": "tf.while_loop: runs its body's plan per iteration",
    "WhileGrad": "tf.while_loop: runs its gradient's plan per iteration",
    "LoopVar": "tf.while_loop: fed by its loop",
    **{t: "TensorArray: host lists of device arrays" for t in (
        "TensorListReserve", "TensorListFromTensor", "TensorListZerosLike",
        "TensorListFromValues", "TensorListScatter", "TensorListClear", "TensorListAddN",
        "TensorListGather", "TensorListStack", "TensorListDense", "TensorListLength",
        "TensorListConcat", "TensorListSplit", "TensorListLengths")},
}
CODES = {"unary": opcodes.UNARY, "binary": opcodes.BINARY, "compare": opcodes.COMPARE}


@pytest.mark.skipif(nvrtc() is None, reason="cuda-bindings/nvrtc wheels missing")
def test_every_op_names_kernels_that_exist():
    entries = set().union(*(kernel_names(f) for f in loader.FAMILIES))
    problems = []
    for op_type, op_def in sorted(REGISTRY.items()):
        if not op_def.kernels and op_type not in NO_KERNEL:
            problems.append(f"{op_type}: names no kernel")
        for name in op_def.kernels:
            base, _, code = name.partition(":")
            if not any(e.startswith(base + "_") for e in entries):
                problems.append(f"{op_type}: no kernel {base}_<dtype>")
            if code and code not in CODES.get(base, ()):
                problems.append(f"{op_type}: {base} has no op code {code}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("family", sorted(CODES))
def test_every_op_code_has_its_case_in_the_kernel(family):
    """A code without a `case` would fall through to the switch's default (the input passed
    on unchanged): no compiler would notice. (logical_not has a bool kernel of its own.)"""
    text = loader.source(family)
    missing = [name for name in CODES[family] if f"case TF0_OP_{name}:" not in text
               and name != "logical_not"]
    assert not missing, f"kernels/{family}.cu has no case for {missing}"


def test_every_op_has_a_cuda_binding():
    missing = [t for t in REGISTRY if t not in BINDERS and t not in HOST_OPS
               and t != "Placeholder"]
    assert not missing, f"ops with no CUDA binding: {missing}"
    assert set(NO_KERNEL) <= set(REGISTRY)


class _ErrorIds:
    """What the elementwise binders read of a CudaPlanContext: records who asks for an id."""
    error_flag = None
    binary_error_id = CudaPlanContext.binary_error_id

    def __init__(self):
        self.flagged = []

    def op_id(self, op):
        self.flagged.append(op.type)
        return len(self.flagged)


def test_only_integer_ops_that_can_fail_make_a_plan_check_the_error_flag():
    # Checking the flag downloads it, so a plan that needs no check must not wait for one.
    import tf0 as tf
    tf.reset_default_graph()
    xf, xi = tf.placeholder(tf.float32, [3]), tf.placeholder(tf.int32, [3])
    safe = [xf + xf, xf // xf, xf % xf, xf ** xf, xi + xi, xi * xi, xi - xi,
            tf.add_n([xf, xf, xf]), tf.nn.bias_add(tf.reshape(xf, [1, 3]), xf)]
    failing = [xi // xi, xi % xi, xi ** xi]
    for tensors, want in ((safe, []), (failing, ["FloorDiv", "FloorMod", "Pow"])):
        ctx = _ErrorIds()
        for t in tensors:
            BINDERS[t.op.type][0](t.op, ctx)
        assert ctx.flagged == want


@pytest.mark.skipif(nvrtc() is None, reason="cuda-bindings/nvrtc wheels missing")
def test_launchers_ask_the_module_that_defines_each_kernel():
    """Launchers serving two modules look every kernel up in the one that defines it, and
    every matmul kernel the tiling can pick is in its tile's module."""
    from tf0.kernels import launch_array, launch_matmul, launch_scan
    for launcher, families in ((launch_scan, ("scan", "sort")),
                               (launch_array, ("array", "gather"))):
        for family in families:
            for name in kernel_names(family):
                assert launcher.family_of(name) == family, name
    for tile in launch_matmul.TILES:
        dtypes = ("f32",) if tile in launch_matmul.FLOAT32_ONLY else ("f32", "f64")
        want = {f"gemm_{tile}_{t}_{d}" for t in ("nn", "nt", "tn", "tt") for d in dtypes}
        assert kernel_names(f"matmul_{tile}") == want


@pytest.mark.skipif(nvrtc() is None, reason="cuda-bindings/nvrtc wheels missing")
def test_no_kernel_is_defined_by_two_modules():
    seen = {}
    for family in loader.FAMILIES:
        for name in kernel_names(family):
            assert name not in seen, f"{name} in {seen.get(name)}.cu and {family}.cu"
            seen[name] = family
