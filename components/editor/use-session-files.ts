"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { BackendName, FileEntry, ToolResult } from "@/lib/sandbox/types";
import { fileOperation } from "@/app/(playground)/editor/actions";
import { fileEntriesFrom } from "./file-entries";
import { unreachable } from "./cancel-run";

export interface OpenFile {
  path: string;
  /** Text last read from or written to disk. */
  saved: string;
  /** Bumped on every open, so Monaco gets a fresh model with the disk content. */
  version: number;
}

/** The session working directory through file_operation: the listing, the open file and its edits. */
export function useSessionFiles(sessionId: string, backend: BackendName) {
  const [files, setFiles] = useState<FileEntry[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [openFile, setOpenFile] = useState<OpenFile | null>(null);
  const [dirty, setDirty] = useState(false);
  // The live text, updated synchronously by Monaco's change events (a Run right after a keystroke).
  const fileText = useRef("");
  const openVersion = useRef(0);

  const refresh = useCallback(async () => {
    setBusy(true);
    try {
      const r = await fileOperation({ operation: "list", sessionId, backend, file_path: "." });
      if (r.status === "success") {
        setFiles(fileEntriesFrom(r));
        setError(null);
      } else {
        setFiles([]);
        setError(r.error ?? r.output);
      }
    } catch (e) {
      setError(unreachable(e));
    } finally {
      setBusy(false);
    }
  }, [sessionId, backend]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const fileOp = async (input: Parameters<typeof fileOperation>[0]): Promise<ToolResult | null> => {
    setBusy(true);
    try {
      const r = await fileOperation(input);
      if (r.status !== "success") {
        setError(r.error ?? r.output);
        return null;
      }
      setError(null);
      return r;
    } catch (e) {
      setError(unreachable(e));
      return null;
    } finally {
      setBusy(false);
    }
  };

  /** Shows a file; `draft` (unsaved text kept from before a reload) replaces the disk text in the buffer. */
  const show = (path: string, content: string, draft?: string) => {
    fileText.current = draft ?? content;
    openVersion.current += 1;
    setOpenFile({ path, saved: content, version: openVersion.current });
    setDirty(draft !== undefined && draft !== content);
  };

  const open = async (path: string, draft?: string) => {
    const r = await fileOp({ operation: "read", sessionId, backend, file_path: path });
    if (r) show(path, r.output, draft);
    return r !== null;
  };

  /** True when the file was created (and is now open). */
  const create = async (path: string) => {
    const r = await fileOp({ operation: "create", sessionId, backend, file_path: path, content: "" });
    if (r) {
      show(path, "");
      await refresh();
    }
    return r !== null;
  };

  /** The text written, or null when nothing was (no file open, or the write failed). */
  const save = async (): Promise<string | null> => {
    if (!openFile) return null;
    const snapshot = fileText.current;
    const r = await fileOp({ operation: "write", sessionId, backend, file_path: openFile.path, content: snapshot });
    if (!r) return null;
    setOpenFile((f) => (f && f.path === openFile.path ? { ...f, saved: snapshot } : f));
    setDirty(fileText.current !== snapshot);
    await refresh();
    return snapshot;
  };

  /** True when the file was deleted. */
  const remove = async (path: string) => {
    const r = await fileOp({ operation: "delete", sessionId, backend, file_path: path });
    if (r) {
      if (openFile?.path === path) setOpenFile(null);
      await refresh();
    }
    return r !== null;
  };

  const edit = (text: string) => {
    fileText.current = text;
    setDirty(openFile !== null && text !== openFile.saved);
  };

  const close = () => setOpenFile(null);

  return { files, busy, error, openFile, dirty, fileText, refresh, open, create, save, remove, edit, close };
}
