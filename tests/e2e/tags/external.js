// An external gated tag: counts its runs so tests can tell it ran exactly once.
window.externalRuns = (window.externalRuns || 0) + 1;
window.runOrder = (window.runOrder || []).concat('external');
