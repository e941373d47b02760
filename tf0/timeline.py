"""TF1's timeline helper: Timeline(run_metadata.step_stats).generate_chrome_trace_format()."""
from tf0.session.config import RunMetadata


class Timeline:
    def __init__(self, step_stats, graph=None):
        self._metadata = RunMetadata()
        self._metadata.step_stats = list(step_stats)

    def generate_chrome_trace_format(self, show_dataflow=True, show_memory=False):
        return self._metadata.chrome_trace()
