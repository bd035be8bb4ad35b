// What a page did and holds (analysis.cdp reads it back once the page is ready).
(() => ({
  loaded: document.readyState === 'complete',
  dialogs: (window.__drawdown || {}).dialogs || [],
  errors: (window.__drawdown || {}).errors || [],
  svgs: document.querySelectorAll('.plotly-graph-div .main-svg').length,
  dir: document.documentElement.dir || '',
  lang: document.documentElement.lang || '',
  height: Math.ceil(document.documentElement.scrollHeight),
}))()
