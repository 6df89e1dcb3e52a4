/**
 * A modal dialog on the native <dialog> element: showModal() traps focus
 * and Escape closes it (the browser's `cancel` event), so keyboard users get
 * the platform behaviour without a focus-trap library.
 */
import { useEffect, useRef, type ReactNode } from 'react';

export function Dialog({ open, title, onClose, children, testid }: { open: boolean; title: string; onClose: () => void; children: ReactNode; testid?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-label={title}
      data-testid={testid}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClose={() => open && onClose()}
    >
      <h2>{title}</h2>
      {children}
    </dialog>
  );
}
