"""CUDA bindings of the ops the host runs over downloads or Python objects: run-time checks
and printing, tf.while_loop (its bodies' plans) and TensorArray lists (of device arrays).
Their implementations take any plan context, so most bind to the op's own."""
from .cuda_ops import AFTER_FIRST, ALL_INPUTS, AS_PLACED, binds


@binds("Assert", "ScalarSummary", "HistogramSummary", "ImageSummary", "MergeSummary",
       "TensorSummary",
       "QueueEnqueue", "QueueClose", "ReaderReset", host_inputs=ALL_INPUTS)
def _on_downloads(op, ctx):
    return op.op_def.numpy(op, ctx)


@binds("PyFunc", "ParseExample", "DecodeRaw", "CandidateSampler", "CheckpointValue",
       "MatrixInverse", "MatrixDeterminant", "MatrixSolve", "UnsortedSegmentMax",
       "UnsortedSegmentMin", "UnsortedSegmentProd", "QueueDequeue", "QueueSize",
       "QueueIsClosed", "LimitEpochs",
       "ReaderRead", "ReaderNumRecordsProduced", "ReaderNumWorkUnitsCompleted", "DecodeCSV",
       "ReadFile", "RandomGamma", "Cholesky", "MatrixTriangularSolve", "SelfAdjointEigV2",
       "Qr", "Svd", "LogMatrixDeterminant", "NonMaxSuppression", "EncodePng", "DecodePng",
       "VocabularyLookup", "ClassNames", "StringStrip", "StringLower", "StringUpper",
       "StringLength", "RegexReplace", "RegexFullMatch", "StringToNumber", "AsString",
       "StringJoin", "ReduceJoin", "Substr", "StringSplit", "SparseStringsToDense",
       "TableLookup", "SampleDistortedBoundingBox", "DrawBoundingBoxes", "MatchingFiles",
       "StringToHashBucketFast", "StringToHashBucketStrong", "StringToHashBucket",
       "Fingerprint", "SparseCross", "DenseCross", "CTCLoss", "CTCGreedyDecoder",
       "CTCBeamSearchDecoder", "EditDistance", "StatelessRandomUniform",
       "StatelessRandomNormal", "StatelessRandomUniformInt", "StatelessTruncatedNormal",
       "MaxPoolArgmax", "CrfDecode", host_inputs=ALL_INPUTS)
def _computed_on_host(op, ctx):
    """The op's NumPy implementation on downloaded inputs (a user's Python function,
    parsing and other string work and hashing, lookups, feature crosses, queues and
    readers, candidate and gamma sampling, a checkpoint read, LAPACK's dense linear algebra
    and decompositions, segment extremes and products, PNG files, CTC's forward-backward
    and decoders, edit distances, stateless random numbers, max pooling's argmax, CRF
    decoding); numeric results go to the device, byte strings stay
    on the host, where tf0 keeps strings."""
    compute = op.op_def.numpy(op, ctx)

    def place(v):
        return v if v.dtype == object else ctx.upload(v)

    def run(*values):
        out = compute(*values)
        return tuple(map(place, out)) if isinstance(out, tuple) else place(out)
    return run


@binds("CheckNumerics")
def _check_numerics(op, ctx):
    check = op.op_def.numpy(op, ctx)

    def check_device(x):
        check(x.get())
        return x
    return check_device


@binds("Print", host_inputs=AFTER_FIRST)
def _print(op, ctx):
    """Prints host copies of its data; tf.Print's first input goes on as the device value
    it is (tf.print's first input is data too, downloaded here)."""
    show = op.op_def.numpy(op, ctx)
    if op.attrs["passes_input"]:
        return show
    return lambda first=None, *rest: show(*([] if first is None else [first.get()]), *rest)


@binds("While", "WhileGrad", host_inputs=AS_PLACED)
@binds("TensorListReserve", host_inputs=(0,))
@binds("TensorListFromValues", "TensorListScatter", "TensorListClear", "TensorListGather",
       "TensorListDense", host_inputs=(1,))
@binds("LoopVar", "TensorListFromTensor", "TensorListZerosLike", "TensorListAddN",
       "TensorListStack", "TensorListConcat")
@binds("TensorListSplit", host_inputs=(1,))
def _host_driven(op, ctx):
    return op.op_def.numpy(op, ctx)
