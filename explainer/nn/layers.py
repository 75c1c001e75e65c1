"""The layer arithmetic every numpy network here shares: batch norm forward and backward, and a
standard deviation that survives activations whose squares overflow float64."""

from __future__ import annotations

import math

import numpy as np

BN_EPS = 1e-5  # PyTorch's BatchNorm1d default


def batch_norm(z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Training-mode batch norm of ``z`` (batch × units), in place: (x̂, 1/√(var + ε), mean, var),
    with the batch mean and biased variance per column (Ioffe & Szegedy 2015, Algorithm 1)."""
    m = z.shape[0]
    with np.errstate(over="ignore", invalid="ignore"):
        mean = z.mean(axis=0)
        z -= mean
        var = np.einsum("ij,ij->j", z, z) / m
    if not np.isfinite(var).all() and np.isfinite(z).all():
        # Squares overflow: x̂ does not depend on the scale of z (up to ε), so shrink z first.
        c = float(np.max(np.abs(z)))
        z /= c
        scaled = np.einsum("ij,ij->j", z, z) / m
        with np.errstate(over="ignore"):
            var = scaled * c * c
        var_for_norm = scaled
    else:
        var_for_norm = var
    with np.errstate(over="ignore", invalid="ignore"):
        inv = 1.0 / np.sqrt(var_for_norm + BN_EPS)
        z *= inv
    return z, inv, mean, var


def batch_norm_backward(dxhat: np.ndarray, xhat: np.ndarray, inv: np.ndarray) -> np.ndarray:
    """∂loss/∂z from ∂loss/∂x̂ for training-mode batch norm, through the batch mean and variance
    (Ioffe & Szegedy 2015, Algorithm 1 backward)."""
    m = dxhat.shape[0]
    mean_d = dxhat.mean(axis=0)
    mean_dx = np.einsum("ij,ij->j", dxhat, xhat) / m
    out = dxhat - mean_d
    out -= xhat * mean_dx
    out *= inv
    return out


def overflow_safe_std(a: np.ndarray) -> float:
    """``np.std(a)`` without overflow for finite entries: activations near 1e190 square past
    float64, so then the entries are divided by the largest |entry| first. Not finite if an entry is not."""
    with np.errstate(all="ignore"):
        std = float(np.std(a))
    if math.isfinite(std) or not np.isfinite(a).all():
        return std
    c = float(np.max(np.abs(a)))
    return c * float(np.std(a / c))
