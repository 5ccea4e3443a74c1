// Marks the page as having JavaScript before its first paint (loaded, not
// deferred, from <head>), so the station directory's finder and map button,
// which the deferred finder.js and map.js bring to life, take their place
// from the start instead of pushing the list down when they appear.
document.documentElement.classList.add("js");
