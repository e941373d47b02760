"""Execution plans: the pruned, ordered subgraph for one (fetches, fed tensors) pair.

`Schedule` is backend-neutral (which ops run, in what order, which value lives in which
slot, when a slot dies). `compile_numpy` turns it into one generated straight-line Python
function, so a cached run costs a call per op and no graph walking.
"""
import itertools
import linecache
import time
import weakref

import numpy as np

from tf0.engine import dtypes, errors
from tf0.engine.graph import (Operation, Tensor, branch_predicates, cond_path, data_inputs,
                              frame_of, postorder)

from .state import PlanContext


def _unfed_placeholder(op):
    shape = op.attrs["shape"]
    dims = "<unknown>" if shape.dims is None else \
        "[" + ",".join("?" if d is None else str(d) for d in shape.dims) + "]"
    return errors.InvalidArgumentError(
        None, op, f"You must feed a value for placeholder tensor '{op.name}' with dtype "
                  f"{op.attrs['dtype'].name} and shape {dims}\n\t [[{op.describe()}]]")


class Schedule:
    """ops: execution order; slots: Tensor -> slot index; fetches: the fetched Tensors and
    Operations; feeds: the fed Tensors; fetch_slots: the fetches' slots (None: Operation);
    last_use: step index -> slots that die after it; fresh: tensors whose arrays the plan
    owns (not fed, not a view of state or of a constant).

    A plan for one iteration of a tf.while_loop body gets that body's `frame`: it runs only
    the body's ops, the values it reads from outside are fed. Fetches in `optional` may come
    from a tf.cond branch that did not run (they are None then, not an error)."""

    def __init__(self, fetch_elements, feed_tensors, frame=(), optional=()):
        self.fetches = list(fetch_elements)
        self.feeds = list(feed_tensors)
        self.optional = set(optional)
        fed = set(self.feeds)
        for element in [*self.fetches, *self.feeds]:
            _check_frame(element, frame)
        fetch_tensors = [e for e in fetch_elements if isinstance(e, Tensor)]
        targets = [e for e in fetch_elements if isinstance(e, Operation)]
        roots = [t.op for t in fetch_tensors if t not in fed] + targets
        self.ops = _topological(roots, fed, frame)
        for op in self.ops:
            if op.type == "Placeholder":
                raise _unfed_placeholder(op)
            _check_branch_inputs(op, fed)
        self.folded = _fold_constants(self.ops)
        self.slots = {t: i for i, t in enumerate(self.feeds)}
        for op in self.ops:
            for t in op.outputs:
                self.slots.setdefault(t, len(self.slots))
        self.tensors = list(self.slots)  # slot -> tensor
        self.fetch_slots = [self.slots[e] if isinstance(e, Tensor) else None
                            for e in fetch_elements]
        self.fresh = {t for op in self.ops if op.op_def.fresh_output
                      for t in op.outputs if t not in fed and t not in self.folded}
        self.stateful = any(op.op_def.stateful for op in self.ops)
        self.last_use = _last_uses(self.ops, self.slots, set(self.fetch_slots))
        # Buffers nothing else can see: plan-owned and never the input of an op whose output
        # may be a view of it. Such a buffer may be overwritten by the step that reads it last.
        viewed = {t for op in self.ops if not op.op_def.fresh_output for t in op.inputs}
        self.private = {t for t in self.fresh if t not in viewed}

    def buffer_plan(self):
        """Buffers for the fed and plan-owned values, reused by liveness.

        Returns (assignment, sizes): assignment maps a tensor to a buffer index, sizes[i]
        is buffer i's size in bytes. A value's buffer is taken when its op runs and given
        back after its last reader, so two values share a buffer only if their lifetimes
        do not overlap; a freed buffer goes to the smallest value it can hold. Views,
        constants and variables get no buffer. None when a shape is unknown."""
        owned = [t for t in self.tensors if t in self.fresh or t in self.feeds]
        if any(t.shape.num_elements() is None for t in owned):
            return None
        nbytes = {t: t.shape.num_elements() * t.dtype.np.itemsize for t in owned}
        assignment, sizes, free = {}, [], []

        def take(t):
            fits = [b for b in free if sizes[b] >= nbytes[t]]
            b = min(fits, key=lambda i: sizes[i]) if fits else None
            if b is None:
                b = len(sizes)
                sizes.append(nbytes[t])
            else:
                free.remove(b)
            assignment[t] = b

        for t in self.feeds:
            take(t)
        for step, op in enumerate(self.ops):
            for t in op.outputs:
                if t in nbytes and t not in assignment:
                    take(t)
            for slot in self.last_use.get(step, ()):
                t = self.tensors[slot]
                if t in assignment and assignment[t] not in free:
                    free.append(assignment[t])
        return assignment, sizes

    def peak_bytes(self):
        """Bytes of all buffers of the buffer plan (None when a shape is unknown)."""
        plan = self.buffer_plan()
        return None if plan is None else sum(plan[1])

    def reusable_input(self, step, op):
        """An input of `op` whose buffer can hold op's output (same static shape and dtype,
        private, read for the last time here), or None."""
        if len(op.outputs) != 1 or not op.outputs[0].shape.is_fully_defined() \
                or not op.outputs[0].shape.dims:
            return None  # 0-d values may be NumPy scalars, which cannot be written into
        out = op.outputs[0]
        dying = self.last_use.get(step, ())
        for t in data_inputs(op):
            if (t in self.private and self.slots[t] in dying and t.dtype is out.dtype
                    and t.shape.dims == out.shape.dims):
                return t
        return None


FOLD_LIMIT = 1 << 20  # elements: a larger constant costs more memory than its op's time


def _fold_constants(ops):
    """{tensor: value} for the outputs of ops whose value is known before the plan runs:
    pure ops (no state, no randomness, no control inputs, outside tf.cond branches) whose
    inputs are all constants or folded, computed once with NumPy. Their plans load the
    value instead of running the op (TF1's constant folding); an op whose evaluation fails
    is left to fail at run time as usual."""
    known, folded = {}, {}
    for op in ops:
        if op.type == "Const":
            known[op.outputs[0]] = op.attrs["value"]
            continue
        ins = data_inputs(op)
        if (not ins or op.op_def.stateful or op.control_inputs or cond_path(op)
                or op.op_def.numpy is None or not op.outputs
                or any(t not in known for t in ins)
                or any(t.dtype.is_host_object or t.shape.num_elements() is None
                       or t.shape.num_elements() > FOLD_LIMIT for t in op.outputs)):
            continue
        try:
            with np.errstate(all="ignore"):
                out = op.op_def.numpy(op, None)(*(known[t] for t in ins))
        except Exception:  # noqa: BLE001 (the op reports it when it runs)
            continue
        values = list(out) if len(op.outputs) > 1 else [out]
        for t, v in zip(op.outputs, values):
            v = np.asarray(v)
            if v.dtype != t.dtype.np or v.shape != tuple(t.shape.as_list()):
                break
            v.setflags(write=False)
            known[t] = folded[t] = v
    return folded


def _check_frame(element, frame):
    op = element if isinstance(element, Operation) else element.op
    if not frame and isinstance(element, Tensor) and element.dtype in (dtypes.variant,
                                                                        dtypes.loop_history):
        what = "the record a tf.while_loop keeps for its gradient" \
            if element.dtype is dtypes.loop_history else "a TensorArray's list of tensors"
        raise TypeError(f"{element.name} is {what}; it cannot be fetched or fed (fetch the "
                        f"tensors made from it)")
    inner = frame_of(op)
    if inner != frame[:len(inner)]:
        raise ValueError(f"{element.name} is made inside the body of tf.while_loop "
                         f"'{inner[-1]}' and cannot be fetched or fed from outside it; fetch "
                         f"the loop's results instead")


def _check_branch_inputs(op, fed):
    """An op may read values of its own tf.cond branches and of enclosing ones (or fed
    ones); only CondMerge takes values out of a branch (its inference checks that)."""
    if op.type == "CondMerge":
        return
    path = cond_path(op)
    for t in op.inputs:
        inner = () if t in fed else cond_path(t.op)
        if path[:len(inner)] != inner:
            raise ValueError(f"{t.name} is made inside a tf.cond branch and cannot be used by "
                             f"{op.name} outside it\n\t [[{op.describe()}]]")


def _topological(roots, fed, frame=()):
    """Ops needed for `roots`, each after its data and control inputs and, in a tf.cond
    branch, after its predicates (a control input whose outputs are all fed has nothing
    left to run). In a loop body's plan, ops outside the body are never run: the values
    read from them are fed, and the loop op itself waits for their control inputs."""
    def deps(op):
        found = [t.op for t in [*data_inputs(op), *branch_predicates(op)] if t not in fed]
        found += [c for c in op.control_inputs
                  if not (c.outputs and all(t in fed for t in c.outputs))]
        return [d for d in found if frame_of(d) == frame] if frame else found
    return postorder(roots, deps)


def _last_uses(ops, slots, keep):
    """step -> slots read for the last time at that step (never fetched ones)."""
    last = {}
    for step, op in enumerate(ops):
        for t in [*data_inputs(op), *branch_predicates(op)]:  # a branch op reads its preds
            last[slots[t]] = step
        for t in op.outputs:
            last.setdefault(slots[t], step)  # an unused output dies where it is made
    dying = {}
    for slot, step in last.items():
        if slot not in keep:
            dying.setdefault(step, []).append(slot)
    return dying


_plan_ids = itertools.count()


def _to_user_copy(x):
    x = np.array(x, copy=True)
    return x[()] if x.ndim == 0 else x


def _to_user(x):
    return x[()] if type(x) is np.ndarray and x.ndim == 0 else x


class Tracer:
    """Times every step of a plan on the host clock. collect() gives, and forgets, the
    records of the last run: (op, where, start, end), times in seconds."""

    def __init__(self, where):
        self.where = where
        self.records = []

    def wrap(self, op, fn, stream=None):
        records, now, where = self.records, time.perf_counter, self.where

        def timed(*args, **kwargs):
            start = now()
            try:
                return fn(*args, **kwargs)
            finally:
                records.append((op, where, start, now()))
        return timed

    def collect(self):
        records, self.records = self.records, []
        return records


def compile_numpy(schedule, state, tracer=None, bodies=None, internal=False):
    """(run, bodies): a function run(feed_arrays) -> fetched values, for the NumPy backend,
    and the (filename, line_to_op) of it and of its loop-body plans (`bodies` is extended
    and returned). With a Tracer, every op is timed. An `internal` plan (a loop body's)
    hands its values to tf0 itself: fed and plan-owned ones as they are, no 0-d unwrap."""
    ctx = PlanContext(state, schedule, tracer, bodies)
    env = {"_copy": _to_user_copy, "_user": _to_user}
    lines = ["def run(feeds):"]
    if schedule.feeds:
        names = ", ".join(f"v{i}" for i in range(len(schedule.feeds)))
        lines.append(f"    {names}, = feeds")
    line_to_op = {}
    branches = BranchConditions(lines, lambda t: f"v{schedule.slots[t]}")
    for step, op in enumerate(schedule.ops):
        if op.type == "Const" and tracer is None and not cond_path(op):
            env[f"_k{step}"] = op.attrs["value"]  # a constant costs no call
            lines.append(f"    v{schedule.slots[op.outputs[0]]} = _k{step}")
            continue
        if op.outputs and op.outputs[0] in schedule.folded:
            for k, t in enumerate(op.outputs):
                env[f"_k{step}_{k}"] = schedule.folded[t]
                lines.append(f"    v{schedule.slots[t]} = _k{step}_{k}")
            continue
        fn_name = f"f{step}"
        fn = op.op_def.numpy(op, ctx)
        env[fn_name] = fn if tracer is None else tracer.wrap(op, fn)
        args = ", ".join(f"v{schedule.slots[t]}" for t in data_inputs(op))
        outs = [f"v{schedule.slots[t]}" for t in op.outputs]
        reuse = schedule.reusable_input(step, op) if isinstance(fn, np.ufunc) else None
        if reuse is not None:
            args += f", out=v{schedule.slots[reuse]}"  # write into a dying private buffer
        line_to_op[emit_call(lines, fn_name, args, outs, branches.of(op))] = op
        dead = schedule.last_use.get(step)
        if dead:
            lines.append("    del " + ", ".join(f"v{s}" for s in dead))
    fetched = []
    for slot in schedule.fetch_slots:
        if slot is None:
            fetched.append("None")
        else:
            tensor = schedule.tensors[slot]
            name = branch_checked(schedule, slot, env, "v")
            if internal:
                owned = tensor in schedule.fresh or tensor in schedule.feeds
                fetched.append(name if owned else f"_copy({name})")
            else:
                wrap = "_user" if tensor in schedule.fresh else "_copy"
                fetched.append(f"{wrap}({name})")
    run, filename = finish(lines, fetched, env, "plan")
    ctx.bodies.append((filename, line_to_op))
    return run, ctx.bodies


def emit_call(lines, fn_name, args, outs, condition=None):
    """Append the line that calls a step's function and names its outputs; returns that
    line's number. With a `condition` (a tf.cond branch) the call runs only when it holds,
    and the outputs are None otherwise."""
    call = f"{fn_name}({args})"
    indent = "        " if condition else "    "
    if condition:
        lines.append(f"    if {condition}:")
    if not outs:
        lines.append(f"{indent}{call}")
    elif len(outs) == 1:
        lines.append(f"{indent}{outs[0]} = {call}")
    else:
        lines.append(f"{indent}{', '.join(outs)}, = {call}")
    at = len(lines)
    if condition and outs:
        lines.append("    else:")
        lines.append(f"        {' = '.join(outs)} = None")
    return at


def branch_checked(schedule, slot, env, form):
    """The name of a fetched value; for a value made in a tf.cond branch, an expression
    that raises InvalidArgumentError when that branch did not run (as TF1 does)."""
    tensor = schedule.tensors[slot]
    if not cond_path(tensor.op) or tensor in schedule.feeds or tensor in schedule.optional:
        return f"{form}{slot}"
    env["_ran"] = _ran
    env[f"_t{slot}"] = tensor
    return f"_ran({form}{slot}, _t{slot})"


def _ran(value, tensor):
    if value is None:
        raise errors.InvalidArgumentError(
            tensor.op.node_def, tensor.op,
            f"Retval {tensor.name} does not have value: its tf.cond branch did not run"
            f"\n\t [[{tensor.op.describe()}]]")
    return value


class BranchConditions:
    """The Python conditions under which tf.cond branch ops run in a generated plan. Each
    branch gets a variable c<k>, computed once before its first op from its predicate's
    host value (`host_name(tensor)` gives it, adding conversion lines if needed) and from
    its enclosing branch's condition."""

    def __init__(self, lines, host_name):
        self.lines, self.host_name = lines, host_name
        self.names = {}

    def of(self, op):
        """The condition name for `op`, or None outside any branch."""
        return self._name(op.graph, cond_path(op))

    def _name(self, graph, path):
        if not path:
            return None
        name = self.names.get(path)
        if name is None:
            outer = self._name(graph, path[:-1])
            value = self.host_name(graph.as_graph_element(path[-1][0]))
            test = f"bool({value})" if path[-1][1] else f"not {value}"
            name = self.names[path] = f"c{len(self.names)}"
            self.lines.append(f"    {name} = {outer + ' and ' if outer else ''}{test}")
        return name


def finish(lines, fetched, env, kind):
    """Close a generated plan function (named in lines[0]) with its return line and compile
    it: (function, filename). The filename lets failing_op map a traceback line to its op;
    the source is registered with linecache, so tracebacks and debuggers show it."""
    lines.append(f"    return ({', '.join(fetched)}{',' if len(fetched) == 1 else ''})")
    filename = f"<tf0-{kind}-{next(_plan_ids)}>"
    source = "\n".join(lines) + "\n"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), env)
    fn = env[lines[0].split()[1].split("(")[0]]
    weakref.finalize(fn, linecache.cache.pop, filename, None)  # forget it with the plan
    return fn, filename


def failing_op(exc, bodies):
    """The op whose step raised `exc` in the innermost generated plan function it passed
    through (`bodies`: (filename, line_to_op) pairs), or None."""
    by_file = dict(bodies)
    tb = exc.__traceback__
    op = None
    while tb is not None:
        line_to_op = by_file.get(tb.tb_frame.f_code.co_filename)
        if line_to_op is not None:
            op = line_to_op.get(tb.tb_lineno, op)
        tb = tb.tb_next
    return op
