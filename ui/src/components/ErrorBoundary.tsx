/** Catches a render error or a lazy page that failed to load, and says so instead of leaving a blank page. */
import { Component, type ReactNode } from 'react';

export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="state error" role="alert" data-testid="error">
        <strong>This page failed</strong>: {this.state.error.message}{' '}
        <button type="button" onClick={() => window.location.reload()}>
          reload
        </button>
      </div>
    );
  }
}
