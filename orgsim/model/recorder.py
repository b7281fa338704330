"""The monthly recorder: the model and department reporters, one Python list per column, turned into
arrays at the end (a DataFrame on demand, or one for many runs' columns: `joined_frame`). It offers the
DataCollector calls orgsim uses (`collect`, `model_vars`, `get_model_vars_dataframe`,
`get_agenttype_vars_dataframe`), with the same columns, order and dtypes.

Why not mesa.DataCollector on this path: measured on the default replicate (2,000 employees, 60 months,
mesa 3.3.1, cProfile) its `collect` was 37% of the replicate's CPU (a deepcopy of every value, a generator
per department row) and building its tables another 12%. The columns here are filled by plain appends.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import attrgetter
from typing import Any

import numpy as np
import pandas as pd

# What a replicate records each month: every reporter and the departments' table, or the model's
# monthly columns alone (a sweep or api.run_one that keeps only the run summary and chosen reporters).
COLLECT = ("all", "model")


# Value types whose column pandas would make int64 or float64: such a column is built with numpy
# directly (pandas' object inference cost ~50 us a column); any other mix goes through pandas.
_INTS = frozenset((int, np.int64))
_NUMBERS = frozenset((int, float, np.int64, np.float64))


def _column(values: list) -> np.ndarray | list:
    """`values` as the array pandas would infer from the list (int64 or float64), or the list itself."""
    types = set(map(type, values))
    if types <= _INTS:
        return np.array(values, dtype=np.int64) if values else values
    if types <= _NUMBERS:
        return np.array(values, dtype=np.float64)
    return values


def table_columns(columns: Mapping[str, list], leading: Mapping[str, Any] | None = None) -> dict:
    """The columns as the arrays (a list for text) their DataFrame holds, after the `leading` ones (a
    scalar fills its column): one construction, where inserting them afterwards cost ~0.2 ms a column."""
    data = {name: _column(values) for name, values in columns.items()}
    if leading:
        rows = len(next(iter(columns.values()), []))
        data = {**{k: _filled(v, rows) for k, v in leading.items()}, **data}
    return data


def joined_frame(pieces: Sequence[Mapping[str, np.ndarray | list]]) -> pd.DataFrame | None:
    """One DataFrame of several runs' columns (as `table_columns` gives them): the table that
    concatenating their own DataFrames gives (pd.concat, ignore_index), built once instead of once a run
    (~0.6 ms a table). None where the pieces are not alike (other columns, or a column that is numbers
    in one run and text or numbers of another type in the next): concatenate the runs' frames then."""
    if not pieces:
        return None
    names = list(pieces[0])
    if any(list(piece) != names for piece in pieces):
        return None
    data: dict[str, np.ndarray | list] = {}
    for name in names:
        parts = [piece[name] for piece in pieces]
        if all(isinstance(part, np.ndarray) and part.dtype == parts[0].dtype for part in parts):
            data[name] = np.concatenate(parts)
        elif all(isinstance(part, list) for part in parts):
            values = [value for part in parts for value in part]
            if set(map(type, values)) != {str}:  # other inference than each run's own (None, bools)
                return None
            data[name] = values
        else:
            return None
    # the joined arrays are new and ours alone: the frame keeps them (one block a column) instead of
    # copying them into blocks by dtype, which held a third copy of the tables at the peak
    return pd.DataFrame(data, copy=False)


def _filled(value: Any, rows: int) -> Any:
    """A leading column: an int scalar as pandas' insert would store it (int64), anything else as given."""
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return np.full(rows, value, dtype=np.int64)
    return value


def _as_function(reporter: str | Callable) -> Callable:
    """A reporter as DataCollector takes it (an attribute name or a function) as a function."""
    return attrgetter(reporter) if isinstance(reporter, str) else reporter


class MonthlyRecorder:
    """Model reporters (one value per month) and department reporters (one row per department per month).

    `departments` is the departments in creation order, the order DataCollector reports an agent type in;
    None records no department table.
    """

    def __init__(
        self,
        model_reporters: Mapping[str, str | Callable],
        department_reporters: Mapping[str, str | Callable] | None = None,
        departments: Sequence[Any] | None = None,
    ) -> None:
        self.model_vars: dict[str, list] = {name: [] for name in model_reporters}
        self._model = [(_as_function(r), self.model_vars[n]) for n, r in model_reporters.items()]
        self.department_vars: dict[str, list] | None = None
        self._departments = list(departments) if department_reporters is not None and departments else []
        self._steps: list[int] = []
        # model.steps at every collection, as mesa 3.5's DataCollector keeps it (batch_run maps a step
        # to a row through it); the department table has no types of its own (`agenttype_reporters`)
        self._collection_steps: list[int] = []
        self.agenttype_reporters: dict = {}
        self._agenttype_records: dict = {}
        if department_reporters is not None:
            self.department_vars = {name: [] for name in department_reporters}
            self._department = [
                (_as_function(r), self.department_vars[n]) for n, r in department_reporters.items()
            ]

    def collect(self, model) -> None:
        """Append this month's values."""
        self._collection_steps.append(int(model.steps))
        for reporter, column in self._model:
            column.append(reporter(model))
        if self.department_vars is not None:
            self._steps.append(int(model.steps))
            departments = self._departments
            for reporter, column in self._department:
                column.extend(map(reporter, departments))

    @property
    def collects_departments(self) -> bool:
        return self.department_vars is not None

    def columns(self, leading: Mapping[str, Any] | None = None) -> dict[str, np.ndarray | list]:
        """The model reporters' columns as the arrays the DataFrame would hold (a list for text), after
        the `leading` columns when given, without building one."""
        return table_columns(self.model_vars, leading)

    def department_columns(self, leading: Mapping[str, Any] | None = None) -> dict[str, np.ndarray | list]:
        """The department table's columns, as `columns` gives the model's."""
        if self.department_vars is None:
            raise ValueError("this run recorded no department table (collect='model')")
        return table_columns(self.department_vars, leading)

    def get_model_vars_dataframe(self, leading: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """One row per collection, one column per model reporter (as DataCollector's), after the
        `leading` columns (name -> scalar or one value per row) when given."""
        return pd.DataFrame(self.columns(leading))

    def department_frame(self, leading: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """One row per department per collection, one column per department reporter, no index; after
        the `leading` columns when given."""
        return pd.DataFrame(self.department_columns(leading))

    # What mesa.batch_run reads of a DataCollector (3.3 and 3.5): `model_vars` (above), `agent_reporters`
    # (the department columns' names), `_agent_records` (step -> rows of (step, agent id, *values)) and,
    # in 3.5, `_collection_steps` and the (empty) agent-type records (set in __init__).
    @property
    def agent_reporters(self) -> dict[str, list]:
        """The department reporters' names (DataCollector's `agent_reporters`); empty without the table."""
        return dict(self.department_vars) if self.department_vars is not None else {}

    @property
    def _agent_records(self) -> dict[int, list[tuple]]:
        """The department table as DataCollector keeps it: step -> one (step, id, *values) per department.
        Built on demand from the columns, so recording costs nothing extra."""
        if self.department_vars is None:
            return {}
        n = len(self._departments)
        ids = [d.unique_id for d in self._departments]
        columns = list(self.department_vars.values())
        records: dict[int, list[tuple]] = {}
        for i, step in enumerate(self._steps):
            rows = range(i * n, (i + 1) * n)
            records[step] = [(step, ids[j], *(col[r] for col in columns)) for j, r in enumerate(rows)]
        return records

    def get_agenttype_vars_dataframe(self, agent_type: type) -> pd.DataFrame:
        """The department table indexed by (Step, AgentID), as DataCollector's for `agent_type`."""
        frame = self.department_frame()
        departments = [d for d in self._departments if isinstance(d, agent_type)]
        if len(departments) != len(self._departments):
            raise ValueError(f"the recorder holds departments, not {agent_type.__name__}")
        n = len(departments)
        steps = [s for s in self._steps for _ in range(n)]
        ids = [d.unique_id for d in departments] * len(self._steps)
        frame.index = pd.MultiIndex.from_arrays([steps, ids], names=["Step", "AgentID"])
        return frame
