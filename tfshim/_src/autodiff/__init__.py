"""Automatic differentiation: GradientTape, ForwardAccumulator, custom_gradient (above the core)."""
