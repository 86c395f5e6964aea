"""Loss laws of one kernel that share their target-independent work.

:func:`asympt.laws.loss.loss_law` derives, for every call, the eigenvalue decay law of (kernel, d)
(:func:`asympt.laws.decay.decay_law`: the Funk-Hecke constants A_p and, on first use, the eigen-index
constant Lambda). A reference table asks for the law of one kernel for many targets and data kinds at
each dimension; :class:`KernelLaws` computes each decay law once and hands it to ``loss_law`` through
its ``decay`` argument. Nothing is replaced or patched: a law from :class:`KernelLaws` is the law a
plain ``loss_law(kernel, d, target)`` call gives (``tests/test_table.py`` compares them).

The cache belongs to the instance (one per kernel), is filled under the instance's lock and also
remembers an error (a decay law that cannot be derived fails the same way for every target, without
being recomputed), so one instance may serve several threads.
"""

from __future__ import annotations

import threading

from asympt.core.errors import InvalidInput

__all__ = ["KernelLaws"]


class KernelLaws:
    """The decay and loss laws of one kernel, each decay law computed once per dimension.

    >>> from asympt.kernels.networks import ntk
    >>> laws = KernelLaws(ntk("relu"))
    >>> laws.loss_law(3, "neuron").C          # theory section 7 worked case: C = 1/24
    1/24
    >>> laws.loss_law(3, "sobolev:2").xi      # xi = (beta - 1)/alpha = 2s/(d - 1 + 2 gamma) = 4/3
    4/3
    >>> laws.decay_law(3) is laws.decay_law(3)
    True
    """

    def __init__(self, kernel):
        from asympt.kernels.kernel import check_kernel

        self.kernel = check_kernel(kernel)
        self._lock = threading.Lock()
        self._decay: dict = {}  # dim -> (True, DecayLaw) or (False, the error it raised)

    def __repr__(self):
        return f"KernelLaws({self.kernel.network.describe()}, decay laws for d in {sorted(self._decay)})"

    def decay_law(self, dim: int):
        """:func:`~asympt.laws.decay.decay_law` of the kernel on S^(dim-1), computed on first use.

        A failure is remembered and raised again, unchanged, at every later call for that ``dim``.
        """
        from .decay import decay_law

        with self._lock:
            if dim not in self._decay:
                try:
                    self._decay[dim] = (True, decay_law(self.kernel, dim))
                except Exception as err:  # noqa: BLE001 - remembered and re-raised below, for every caller
                    self._decay[dim] = (False, err)
            ok, value = self._decay[dim]
        if not ok:
            raise value.with_traceback(None)
        return value

    def loss_law(self, dim: int, target, *, data: str = "sphere", lr=None):
        """:func:`~asympt.laws.loss.loss_law` of the kernel for ``target`` on S^(dim-1), with the shared
        decay law (data on the sphere; ``data = "euclidean"`` needs none)."""
        from asympt.targets import parse_target

        from .loss import loss_law

        if isinstance(target, str):  # parsed first, as loss_law does: a bad target is the error reported
            target = parse_target(target, default_activation=self.kernel.network.activation.name)
        if data not in ("sphere", "euclidean"):
            raise InvalidInput(f"data must be 'sphere' or 'euclidean': {data!r}")
        decay = self.decay_law(dim) if data == "sphere" else None
        return loss_law(self.kernel, dim, target, data=data, lr=lr, decay=decay)
