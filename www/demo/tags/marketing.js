// Stands in for a third-party marketing tag: it runs only with marketing consent.
window.demoTagRan('tag-marketing');
