// A function of the page's URL (analysis.cdp polls it): true once the page has loaded,
// fonts are ready and every plotly chart has drawn, held for two further checks.
((url) => {
  const key = '__drawdownReadyChecks';
  if (document.URL !== url) { return false; }  // the navigation has not committed yet
  const charts = Array.from(document.querySelectorAll('.plotly-graph-div'));
  const drawn = charts.every((div) => div.querySelector('.main-svg') !== null);
  const fonts = !document.fonts || document.fonts.status === 'loaded';
  if (!drawn || !fonts || document.readyState !== 'complete') { window[key] = 0; return false; }
  window[key] = (window[key] || 0) + 1;
  return window[key] > 2;
})
