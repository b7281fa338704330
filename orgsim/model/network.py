"""The employee network as a sparse 0/1 adjacency (scipy CSR), built directly from numpy edge arrays.

Graph families: `watts_strogatz` over everyone, `department_blocks` (a small world inside each department
plus random ties across departments), `erdos_renyi` (G(n, p) with mean degree z), `barabasi_albert`
(preferential attachment, m = z / 2 ties per newcomer) and `full` (no network: full mixing). `builder="networkx"` builds
the same families with networkx, as before this module existed; it is kept for custom graphs and as a
reference. Every draw comes from the generator passed in. Nothing here knows the model.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from orgsim.config.schema import EmployeesConfig

# Vectorized redraws of rewired ties that landed on a self-loop or an existing tie. Each pass leaves a
# conflict with probability about k/n, so a few passes clear them all unless the group is nearly
# complete; what is left after this many passes is placed one tie at a time.
MAX_REDRAWS = 20


def ring_degree(size: int, mean_degree: int) -> int:
    """An even Watts-Strogatz neighbourhood size that fits a group of `size` nodes."""
    k = min(mean_degree, size - 1)
    return k - (k % 2)


def _unique_pairs(u: np.ndarray, v: np.ndarray, n: int) -> np.ndarray:
    """Undirected pair keys min * n + max."""
    return np.minimum(u, v).astype(np.int64) * n + np.maximum(u, v)


def watts_strogatz_edges(
    n: int, k: int, rewire: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Edges (u, v) of a Watts-Strogatz small world: a ring where each node ties to its k nearest, then
    each tie (u, v) is rewired with probability `rewire` to (u, w), w uniform, no self-loops or doubles.

    Like networkx's `watts_strogatz_graph` (same ring, same rewiring rule and edge count), but all ties are
    rewired at once instead of one after the other, so the random streams differ.
    """
    if k < 2 or n < 3:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    if k >= n - 1:  # the ring is already complete: nothing to rewire to
        u, v = np.triu_indices(n, 1)
        return u.astype(np.int64), v.astype(np.int64)
    if 2 * k > n:
        return _rewire_one_by_one(n, k, rewire, rng)
    half = k // 2
    u = np.tile(np.arange(n, dtype=np.int64), half)
    v = (u + np.repeat(np.arange(1, half + 1, dtype=np.int64), n)) % n
    is_moved = rng.random(len(u)) < rewire
    moved = np.flatnonzero(is_moved)
    mu = u[moved]
    mv = rng.integers(0, n, size=len(moved))
    for _ in range(MAX_REDRAWS):
        bad = _conflicts(mu, mv, n, half, is_moved)
        if len(bad) == 0:
            break
        mv[bad] = rng.integers(0, n, size=len(bad))
    else:
        _settle(u[~is_moved], v[~is_moved], mu, mv, v[moved], bad, n, rng)
    return np.concatenate([u[~is_moved], mu]), np.concatenate([v[~is_moved], mv])


def _settle(ring_u, ring_v, mu, mv, original, bad, n: int, rng: np.random.Generator) -> None:
    """Place the rewired ties still in conflict one by one among the free partners; a tie with none left
    goes back to its ring place (sparse groups only: there a partner is always free in practice)."""
    taken = set(_unique_pairs(ring_u, ring_v, n).tolist())
    good = np.ones(len(mu), dtype=bool)
    good[bad] = False
    taken.update(_unique_pairs(mu[good], mv[good], n).tolist())
    for i in bad:
        a = int(mu[i])
        free = [w for w in range(n) if w != a and min(a, w) * n + max(a, w) not in taken]
        mv[i] = free[int(rng.integers(len(free)))] if free else original[i]
        taken.add(min(a, int(mv[i])) * n + max(a, int(mv[i])))


def _rewire_one_by_one(n: int, k: int, rewire: float, rng: np.random.Generator):
    """networkx's rewiring loop for dense groups (k > n / 2, so n <= 400): ties are rewired in turn, and
    a node already tied to everyone keeps its tie."""
    neighbours = [set() for _ in range(n)]
    for j in range(1, k // 2 + 1):
        for a in range(n):
            neighbours[a].add((a + j) % n)
            neighbours[(a + j) % n].add(a)
    for j in range(1, k // 2 + 1):
        for a in range(n):
            b = (a + j) % n
            if rng.random() >= rewire or len(neighbours[a]) >= n - 1 or b not in neighbours[a]:
                continue
            w = int(rng.integers(n))
            while w == a or w in neighbours[a]:
                w = int(rng.integers(n))
            neighbours[a].discard(b)
            neighbours[b].discard(a)
            neighbours[a].add(w)
            neighbours[w].add(a)
    pairs = [(a, b) for a in range(n) for b in neighbours[a] if a < b]
    pairs = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    return pairs[:, 0], pairs[:, 1]


def _conflicts(u: np.ndarray, v: np.ndarray, n: int, half: int, ring_moved: np.ndarray) -> np.ndarray:
    """Rewired ties (u, v) that are self-loops, land on a ring tie that stays, or double an earlier
    rewired tie. Ring tie (s, s + j mod n) has index (j - 1) * n + s; `ring_moved` marks those rewired."""
    forward = (v - u) % n
    backward = n - forward
    on_ring = np.zeros(len(u), dtype=bool)
    ahead = (forward >= 1) & (forward <= half)
    on_ring[ahead] = ~ring_moved[(forward[ahead] - 1) * n + u[ahead]]
    behind = ~ahead & (forward > 0) & (backward <= half)
    on_ring[behind] = ~ring_moved[(backward[behind] - 1) * n + v[behind]]
    key = _unique_pairs(u, v, n)
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    repeated = np.zeros(len(u), dtype=bool)
    repeated[order[1:]] = sorted_key[1:] == sorted_key[:-1]
    return np.flatnonzero(repeated | on_ring | (u == v))


def department_block_edges(
    cfg: EmployeesConfig, department: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """A small world inside each department (employees sorted by department) plus random cross ties."""
    n = len(department)
    within_degree = max(2, round(cfg.mean_degree * (1.0 - cfg.cross_department_share)))
    starts = np.flatnonzero(np.r_[True, department[1:] != department[:-1]]) if n else np.empty(0, int)
    ends = np.r_[starts[1:], n]
    us, vs = [], []
    for start, end in zip(starts, ends, strict=True):
        size = int(end - start)
        u, v = watts_strogatz_edges(size, ring_degree(size, within_degree), cfg.rewire, rng)
        us.append(u + start)
        vs.append(v + start)
    n_cross = round(n * cfg.mean_degree * cfg.cross_department_share / 2)
    if n_cross and len(starts) > 1:
        a = rng.integers(0, n, size=n_cross)
        b = rng.integers(0, n, size=n_cross)
        across = department[a] != department[b]
        us.append(a[across])
        vs.append(b[across])
    if not us:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(us), np.concatenate(vs)


def _sorted_unique(keys: np.ndarray) -> np.ndarray:
    """np.unique by sorting (numpy 2.4's np.unique took 5x as long on 40k integer keys)."""
    keys = np.sort(keys)
    return keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys


def erdos_renyi_edges(n: int, mean_degree: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Edges of G(n, p), p = mean_degree / (n - 1): a binomial number of ties, placed on distinct pairs
    chosen uniformly (pairs that land on a self-loop or an existing tie are redrawn)."""
    pairs = n * (n - 1) // 2
    if n < 2 or mean_degree <= 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    n_edges = int(rng.binomial(pairs, min(1.0, mean_degree / (n - 1))))
    keys = np.empty(0, np.int64)
    while len(keys) < n_edges:  # a pass adds at most the missing number of new pairs, never more
        missing = n_edges - len(keys)
        u = rng.integers(0, n, size=missing)
        v = rng.integers(0, n, size=missing)
        keys = _sorted_unique(np.concatenate([keys, _unique_pairs(u[u != v], v[u != v], n)]))
    return keys // n, keys % n


def barabasi_albert_edges(n: int, m: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Edges of a Barabasi-Albert graph: a clique of m + 1 nodes, then each newcomer ties to m distinct
    earlier nodes chosen with probability proportional to their degree.

    Vectorized after Batagelj and Brandes (2005): every tie end is a copy of a uniformly chosen earlier
    tie end (so a node is chosen in proportion to its degree); the chains of copies are followed in
    vectorized passes, and a newcomer's repeated choices are redrawn until its m targets differ.
    """
    m = max(1, min(m, n - 1))
    clique_u, clique_v = np.triu_indices(min(n, m + 1), 1)
    if n <= m + 1:
        return clique_u.astype(np.int64), clique_v.astype(np.int64)
    # tie ends in order: the clique's, then (newcomer, target) for each newcomer's m ties
    newcomers = np.repeat(np.arange(m + 1, n, dtype=np.int64), m)
    first_end = 2 * len(clique_u)
    ends = np.empty(first_end + 2 * len(newcomers), np.int64)
    ends[0:first_end:2], ends[1:first_end:2] = clique_u, clique_v
    ends[first_end::2] = newcomers
    target_at = np.arange(first_end + 1, len(ends), 2)
    # ends written before the newcomer's first tie: choosing among them excludes itself and later nodes
    earlier = first_end + 2 * m * (newcomers - (m + 1))
    pointer = rng.integers(0, earlier)
    while True:
        # every pass resolves all copies again: an end may copy a target that was just redrawn
        ends[target_at] = -1 - pointer  # negative: a copy of the end at that position
        _resolve_copies(ends)
        targets = ends[target_at].reshape(-1, m)
        order = np.argsort(targets, axis=1, kind="stable")
        ranked = np.take_along_axis(targets, order, axis=1)
        repeat_row, repeat_rank = np.nonzero(ranked[:, 1:] == ranked[:, :-1])
        if len(repeat_row) == 0:
            break
        again = repeat_row * m + order[repeat_row, repeat_rank + 1]  # each extra copy is drawn anew
        pointer[again] = rng.integers(0, earlier[again])
    return np.concatenate([clique_u, newcomers]), np.concatenate([clique_v, ends[target_at]])


def _resolve_copies(ends: np.ndarray) -> None:
    """Replace every copy marker -1 - i by the value at position i, following chains of copies."""
    pending = np.flatnonzero(ends < 0)
    source = -1 - ends[pending]
    while len(pending):
        value = ends[source]
        done = value >= 0
        ends[pending[done]] = value[done]
        # a copy of a copy: follow it; half the ends are node ids, so each pass settles about half
        pending, source = pending[~done], -1 - value[~done]


def adjacency_from_edges(u: np.ndarray, v: np.ndarray, n: int) -> sp.csr_array:
    """The symmetric 0/1 CSR adjacency of undirected edges; doubles and self-loops are dropped."""
    off_diagonal = u != v
    u, v = u[off_diagonal], v[off_diagonal]
    index_type = np.int32 if n < 2**31 else np.int64
    rows = np.concatenate([u, v]).astype(index_type)
    cols = np.concatenate([v, u]).astype(index_type)
    # scipy's COO -> CSR conversion sums doubles and sorts each row's columns (canonical format)
    adjacency = sp.coo_array((np.ones(len(rows)), (rows, cols)), shape=(n, n)).tocsr()
    adjacency.data[:] = 1.0
    return adjacency


def build_adjacency(
    cfg: EmployeesConfig, department: np.ndarray, rng: np.random.Generator
) -> sp.csr_array | None:
    """The employee network's adjacency (None for full mixing), built with `cfg.builder`."""
    if cfg.network == "full":
        return None
    if cfg.builder == "networkx":
        return networkx_adjacency(cfg, department, rng)
    n = len(department)
    if cfg.network == "watts_strogatz":
        u, v = watts_strogatz_edges(n, ring_degree(n, cfg.mean_degree), cfg.rewire, rng)
    elif cfg.network == "erdos_renyi":
        u, v = erdos_renyi_edges(n, cfg.mean_degree, rng)
    elif cfg.network == "barabasi_albert":
        u, v = barabasi_albert_edges(n, max(1, round(cfg.mean_degree / 2)), rng)
    else:
        u, v = department_block_edges(cfg, department, rng)
    return adjacency_from_edges(u, v, n)


# --- networkx: the builder before this module, kept as an option and a reference ------------------------


def _nx_seed(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 2**31 - 1))


def networkx_graph(cfg: EmployeesConfig, department: np.ndarray, rng: np.random.Generator):
    """The employee network as a networkx graph, drawn as orgsim did before the numpy builders."""
    import networkx as nx

    n = len(department)
    if cfg.network == "watts_strogatz":
        k = ring_degree(n, cfg.mean_degree)
        return nx.watts_strogatz_graph(n, k, cfg.rewire, seed=_nx_seed(rng)) if k >= 2 else nx.empty_graph(n)
    if cfg.network == "erdos_renyi":
        return nx.fast_gnp_random_graph(n, min(1.0, cfg.mean_degree / max(n - 1, 1)), seed=_nx_seed(rng))
    if cfg.network == "barabasi_albert":
        m = max(1, min(round(cfg.mean_degree / 2), n - 1))
        return nx.barabasi_albert_graph(n, m, seed=_nx_seed(rng)) if n > m else nx.complete_graph(n)
    graph = nx.empty_graph(n)
    within_degree = max(2, round(cfg.mean_degree * (1.0 - cfg.cross_department_share)))
    starts = np.flatnonzero(np.r_[True, department[1:] != department[:-1]])
    ends = np.r_[starts[1:], n]
    for start, end in zip(starts, ends, strict=True):
        size = int(end - start)
        k = ring_degree(size, within_degree)
        if k >= 2:
            block = nx.watts_strogatz_graph(size, k, cfg.rewire, seed=_nx_seed(rng))
            graph.add_edges_from((int(u) + start, int(v) + start) for u, v in block.edges())
    n_cross = round(n * cfg.mean_degree * cfg.cross_department_share / 2)
    if n_cross and len(starts) > 1:
        a = rng.integers(0, n, size=n_cross)
        b = rng.integers(0, n, size=n_cross)
        keep = department[a] != department[b]
        graph.add_edges_from(zip(a[keep].tolist(), b[keep].tolist(), strict=True))
    return graph


def networkx_adjacency(cfg: EmployeesConfig, department: np.ndarray, rng: np.random.Generator):
    import networkx as nx

    graph = networkx_graph(cfg, department, rng)
    return nx.to_scipy_sparse_array(
        graph, nodelist=range(graph.number_of_nodes()), format="csr", dtype=np.float64
    )


def to_networkx(adjacency: sp.csr_array):
    """A networkx graph of an adjacency, for analysis and drawing."""
    import networkx as nx

    return nx.from_scipy_sparse_array(adjacency)
