/// Carrying out an approved plan: apply, journal, undo, emit, reconcile.
public enum RolloutEngine {}
