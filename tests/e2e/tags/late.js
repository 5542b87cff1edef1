window.lateRuns = (window.lateRuns || 0) + 1;
