// Installed in every page before its own scripts (analysis.cdp): dialogs answer at once,
// window.print() does nothing, and both are recorded, as are errors and failed loads.
(() => {
  const log = window.__drawdown = {dialogs: [], errors: []};
  const dialog = (type, answer) => (message) => {
    log.dialogs.push(type + ': ' + String(message === undefined ? '' : message));
    return answer;
  };
  window.alert = dialog('alert', undefined);
  window.confirm = dialog('confirm', false);
  window.prompt = dialog('prompt', null);
  window.print = () => { log.dialogs.push('print: window.print() ignored'); };
  const consoleError = console.error.bind(console);
  console.error = (...args) => {
    log.errors.push(args.map(String).join(' '));
    consoleError(...args);
  };
  window.addEventListener('error', (event) => {
    const target = event.target;
    if (target && target !== window && (target.src || target.href)) {
      log.errors.push('failed to load ' + (target.src || target.href));
    } else {
      log.errors.push('pageerror: ' + event.message);
    }
  }, true);
  window.addEventListener('unhandledrejection', (event) => {
    log.errors.push('pageerror: ' + String(event.reason));
  });
})();
