"""Stream assignment for a device plan: which CUDA stream runs each op, and the events that
order work across streams.

Backend-neutral (plain Python over a Schedule), so it is tested on any machine. A chain of
ops stays on one stream; an op none of whose producers is the last op of its stream starts a
new branch on the least-loaded stream. A cross-stream edge becomes an event recorded after
the producer and waited on before the consumer, skipped when the consumer's stream is already
ordered after that point (vector clocks). A variable read that comes after a write of the
same variable in the plan sees the written value, so it is ordered after the write as if by
a data edge; a plan that writes one variable twice, or has tf.cond branches, loops or
TensorArrays, runs on one stream. Values read on a stream other than the one that
wrote them are kept alive until the run ends: a memory pool hands a freed buffer to the next
writer on the stream that allocated it, which is not ordered after the reader.
The plan also says, for each matrix product, how many streams may run one at the same time
(the matmul launcher picks its tile by how much of the GPU a product gets).
"""
import bisect

from tf0.engine.graph import cond_path, data_inputs
from tf0.ops.train_ops import UPDATES

from . import cuda_ops
from .cuda_backend import computed_on_host, is_folded

WRITERS = frozenset({"Assign", "AssignAdd", "AssignSub", *UPDATES})

# Ops that launch nothing: sources held by the session or the plan, and views of an input.
NO_LAUNCH = frozenset({"Const", "Placeholder", "PlaceholderWithDefault", "VariableV2",
                       "ReadVariable", "Identity", "IdentityN", "StopGradient", "Reshape",
                       "ExpandDims", "Squeeze", "NoOp"})


class StreamPlan:
    """streams[step]: stream index of a launching op, None for host ops and ops that launch
    nothing; waits[step]: event ids its stream waits on first; records[step]: the event id
    recorded after it, or None; event_count; used: the streams that run something, stream 0
    first; kept: slots not freed before the end; sharing: {MatMul op: the number of streams,
    its own included, that may run a product at the same time as it} (1 where absent). The
    caller forks the streams of `used` from stream 0 before the run and joins them into it
    after."""

    def __init__(self, steps):
        self.streams = [None] * steps
        self.waits = [()] * steps
        self.records = [None] * steps
        self.event_count = 0
        self.used = [0]
        self.kept = set()
        self.sharing = {}


def host_form_inputs(op, host):
    """The inputs `op` reads as host values (its NumPy implementation's, or the launch
    parameters of its kernel); Shape, Size and Rank read only shapes."""
    if op.type in cuda_ops.HOST_OPS:
        return []
    ins = data_inputs(op)
    if computed_on_host(op, host):
        return ins
    host_inputs = cuda_ops.BINDERS[op.type][1] if op.type in cuda_ops.BINDERS else ()
    if host_inputs is cuda_ops.AS_PLACED:
        return [t for t in ins if t in host]
    return [t for i, t in enumerate(ins) if i in host_inputs]


def host_read_feeds(schedule, host):
    """Indices of the feeds some op of `schedule` reads as host values (a device array fed
    there has to be downloaded first)."""
    on_host = {t for op in schedule.ops for t in host_form_inputs(op, host)}
    return [i for i, t in enumerate(schedule.feeds) if t in on_host]


def host_reads(op, host):
    """Device tensors `op` needs on the host (downloads, which wait for the device; a
    constant's value is known without one)."""
    return [t for t in host_form_inputs(op, host) if t not in host and t.op.type != "Const"]


def variables_touched(op):
    """The variables (VariableV2 ops) `op` reads or writes."""
    refs = [op.inputs[i].op for i in op.op_def.ref_inputs or ()]
    return [op] + refs if op.type == "VariableV2" else refs


def single_stream(schedule):
    """Everything on stream 0: no events, nothing kept."""
    plan = StreamPlan(len(schedule.ops))
    plan.streams = [0] * len(schedule.ops)
    return plan


def assign_streams(schedule, host, num_streams):
    """A StreamPlan for `schedule` over at most `num_streams` streams. `host` is the set of
    tensors computed on the host (their ops get no stream)."""
    n = max(1, int(num_streams))
    ops = schedule.ops
    plan = StreamPlan(len(ops))
    ready = {}      # tensor -> {stream: seq} that must finish before it is read
    done_at = {}    # op -> {stream: seq} (for control dependencies)
    home = {}       # tensor -> stream whose pool allocated its buffer
    seq = [-1] * n  # last op issued on each stream
    clock = [[-1] * n for _ in range(n)]  # clock[s][r]: last op of r that s is ordered after
    load = [0] * n
    written = [v for op in ops if op.type in WRITERS for v in variables_touched(op)]
    host_driven = cuda_ops.LOOP_OPS | cuda_ops.LIST_OPS
    if len(written) != len(set(written)) or any(cond_path(op) or op.type in host_driven
                                                for op in ops):
        return single_stream(schedule)  # conds and loops: the host reads predicates
    last_write = {}  # variable -> {stream: seq} of the op that wrote it
    snapshots = {}  # (stream, seq) -> clock of that stream when the op was issued
    step_of = {}    # (stream, seq) -> step
    events = {}     # (stream, seq) -> event id recorded after that op
    products = []   # (op, stream, seq) of each MatMul

    def event_for(stream, at):
        if (stream, at) not in events:
            events[(stream, at)] = plan.event_count
            plan.records[step_of[(stream, at)]] = plan.event_count
            plan.event_count += 1
        return events[(stream, at)]

    for step, op in enumerate(ops):
        ins = data_inputs(op)
        need = {}
        for t in ins:
            for s, q in ready.get(t, {}).items():
                need[s] = max(need.get(s, -1), q)
        for c in op.control_inputs:
            for s, q in done_at.get(c, {}).items():
                need[s] = max(need.get(s, -1), q)
        for v in variables_touched(op):
            for s, q in last_write.get(v, {}).items():
                need[s] = max(need.get(s, -1), q)
        if host_reads(op, host):
            return single_stream(schedule)  # the host waits for a device value: no overlap
        on_host = computed_on_host(op, host)
        if on_host or op.type in NO_LAUNCH or is_folded(schedule, op):
            done_at[op] = need
            for t in op.outputs:
                if t not in host:
                    ready[t] = need
                    if ins and ins[0] in home:
                        home[t] = home[ins[0]]  # a view shares its input's buffer
            continue
        stream = next((s for t in ins for s, q in ready.get(t, {}).items() if seq[s] == q), None)
        if stream is None:
            stream = next((s for c in op.control_inputs
                           for s, q in done_at.get(c, {}).items() if seq[s] == q), None)
        if stream is None:
            stream = min(range(n), key=lambda s: (load[s], s))
        waits = []
        for s, q in sorted(need.items()):
            if s != stream and clock[stream][s] < q:
                waits.append(event_for(s, q))
                clock[stream] = [max(a, b) for a, b in zip(clock[stream], snapshots[(s, q)])]
        seq[stream] += 1
        load[stream] += 1
        clock[stream][stream] = seq[stream]
        snapshots[(stream, seq[stream])] = list(clock[stream])
        step_of[(stream, seq[stream])] = step
        plan.streams[step] = stream
        plan.waits[step] = tuple(waits)
        done_at[op] = {stream: seq[stream]}
        if op.type in WRITERS:
            for v in variables_touched(op):
                last_write[v] = {stream: seq[stream]}
        for t in ins:
            owner = home.get(t)
            if owner is not None and owner != stream:
                plan.kept.add(schedule.slots[t])
        for t in op.outputs:
            ready[t] = {stream: seq[stream]}
            home[t] = stream
        if stream not in plan.used:
            plan.used.append(stream)
        if op.type == "MatMul":
            products.append((op, stream, seq[stream]))
    plan.sharing = _sharing(products, snapshots)
    return plan


def _sharing(products, snapshots):
    """{op: 1 + the number of other streams with a product unordered with it} for the
    (op, stream, seq) of each product. An op is ordered after (r, q) when the clock of its
    stream at its launch has reached q on r; along one stream the clocks only grow, so of
    the products of stream r not before an op, the first is the one that may not be after
    it either."""
    on_stream = {}
    for _, r, p in products:
        on_stream.setdefault(r, []).append(p)  # in issue order: ascending
    sharing = {}
    for op, s, q in products:
        clock = snapshots[(s, q)]
        others = 0
        for r, seqs in on_stream.items():
            if r != s:
                j = bisect.bisect_right(seqs, clock[r])
                others += j < len(seqs) and snapshots[(r, seqs[j])][s] < q
        if others:
            sharing[op] = 1 + others
    return sharing
