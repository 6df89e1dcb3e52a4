/** Asks for an API token when the server answers 401 (the token `flightdeck serve` printed, or one from its config). */
import { useState } from 'react';
import { useAuth } from '../api/hooks.ts';
import { dismissTokenPrompt, setToken } from '../api/token.ts';
import { Dialog } from './Dialog.tsx';

export function TokenPrompt() {
  const { needsToken, token } = useAuth();
  const [value, setValue] = useState('');
  return (
    <Dialog open={needsToken} title="API token needed" onClose={dismissTokenPrompt} testid="token-dialog">
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim()) setToken(value.trim());
          setValue('');
        }}
      >
        <p>
          {token ? 'The server refused the saved token.' : 'The server needs a token.'} Paste the token <code>flightdeck serve</code> printed (or open the URL it printed, which
          carries <code>?token=</code>).
        </p>
        <label>
          Token
          <input type="password" autoFocus required value={value} onChange={(e) => setValue(e.target.value)} data-testid="token-input" />
        </label>
        <div className="dialog-actions">
          <button type="button" onClick={dismissTokenPrompt}>
            Cancel
          </button>
          <button type="submit" className="primary">
            Use token
          </button>
        </div>
      </form>
    </Dialog>
  );
}
