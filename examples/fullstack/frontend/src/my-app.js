import { LitElement, css, html } from 'lit';

/** The app shell: a tiny Lit element that asks the backend whether it is healthy. */
export class MyApp extends LitElement {
  static properties = {
    status: { state: true },
  };

  static styles = css`
    :host {
      display: block;
      font-family: system-ui, sans-serif;
      padding: 1rem;
    }
  `;

  constructor() {
    super();
    this.status = 'unknown';
  }

  async connectedCallback() {
    super.connectedCallback();
    try {
      const res = await fetch('/api/v1/health');
      this.status = res.ok ? (await res.json()).status : `HTTP ${res.status}`;
    } catch {
      this.status = 'unreachable';
    }
  }

  render() {
    return html`<h1>Full-stack template</h1>
      <p>Backend: <strong>${this.status}</strong></p>`;
  }
}

customElements.define('my-app', MyApp);
