// The app shell: header, the live-entries area, and the status bar.
export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <h1 className="brand">kLive Station</h1>
        <nav aria-label="Main">
          <span className="nav-item nav-item--active">Live entries</span>
        </nav>
      </header>
      <main className="app-main" data-testid="app-shell">
        <section className="empty-state" aria-labelledby="empty-title">
          <h2 id="empty-title">No live entries yet</h2>
          <p>Point OBS at this station to start:</p>
          <dl className="connect-fields">
            <dt>Server</dt>
            <dd><code>rtmp://localhost/kLive/?p=102&amp;e=0_rkij47dr&amp;i=0&amp;t=dj94kfit</code></dd>
            <dt>Stream key</dt>
            <dd><code>0_rkij47dr_1</code></dd>
          </dl>
        </section>
      </main>
      <footer className="status-bar" role="status">kLive Station</footer>
    </div>
  );
}
