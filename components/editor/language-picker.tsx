"use client";

import { Select } from "@/components/ui/select";

// multi_code_executor's languages, as the backend reports them (image label / host binaries).

/** Monaco's language id for each sandbox language. */
export const monacoLanguage: Record<string, string> = {
  python: "python",
  bash: "shell",
  nodejs: "javascript",
  c: "c",
  cpp: "cpp",
  go: "go",
  rust: "rust",
  java: "java",
  lua: "lua",
  ruby: "ruby",
  perl: "perl",
  r: "r",
  php: "php",
};

/** A program to start from in each language. */
export const languageStarters: Record<string, string> = {
  python: 'print("hello from python")\n',
  bash: 'echo "hello from bash $BASH_VERSION"\n',
  nodejs: 'console.log("hello from node", process.version);\n',
  c: '#include <stdio.h>\n\nint main(void) {\n    printf("hello from C\\n");\n    return 0;\n}\n',
  cpp: '#include <iostream>\n\nint main() {\n    std::cout << "hello from C++" << std::endl;\n}\n',
  go: 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hello from Go")\n}\n',
  rust: 'fn main() {\n    println!("hello from Rust");\n}\n',
  java: 'public class Main {\n    public static void main(String[] args) {\n        System.out.println("hello from Java");\n    }\n}\n',
  lua: 'print("hello from Lua")\n',
  ruby: 'puts "hello from Ruby"\n',
  perl: 'print "hello from Perl\\n";\n',
  r: 'cat("hello from R\\n")\n',
  php: '<?php\necho "hello from PHP\\n";\n',
};

export interface LanguagePickerProps {
  value: string;
  languages: string[];
  onChange(language: string): void;
  disabled?: boolean;
}

export function LanguagePicker({ value, languages, onChange, disabled }: LanguagePickerProps) {
  return (
    <label className="flex items-center gap-1.5 text-sm text-zinc-600">
      Language
      <Select value={value} onChange={(e) => onChange(e.target.value)} disabled={disabled} data-testid="language-select">
        {languages.length === 0 && <option value={value}>(none on this backend)</option>}
        {languages.map((l) => (
          <option key={l} value={l} data-testid={`language-option-${l}`}>
            {l}
          </option>
        ))}
      </Select>
    </label>
  );
}
