/**
 * Type errors in the learner's file, found with the TypeScript language service. The service is
 * incremental: after the first check (about a second, to load the standard library types), a
 * re-check after a save takes milliseconds, so the watch loop can afford it on every save.
 */
import { readFileSync, statSync } from "node:fs";
import { relative } from "node:path";
import ts from "typescript";
import { ROOT } from "./paths.ts";

export interface CompileError {
  location: string;
  message: string;
}

export class TypeChecker {
  private readonly service: ts.LanguageService;
  private readonly options: ts.CompilerOptions;

  constructor(private readonly rootFiles: string[]) {
    this.options = loadCompilerOptions();
    const host: ts.LanguageServiceHost = {
      getScriptFileNames: () => this.rootFiles,
      getScriptVersion: (file) => {
        try {
          return String(statSync(file).mtimeMs);
        } catch {
          return "missing";
        }
      },
      getScriptSnapshot: (file) => {
        try {
          return ts.ScriptSnapshot.fromString(readFileSync(file, "utf8"));
        } catch {
          return undefined;
        }
      },
      getCurrentDirectory: () => ROOT,
      getCompilationSettings: () => this.options,
      getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
      fileExists: ts.sys.fileExists,
      readFile: ts.sys.readFile,
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
    };
    this.service = ts.createLanguageService(host, ts.createDocumentRegistry());
  }

  /** Syntax and type errors in `files` (which must be among the root files or their imports). */
  errorsIn(files: string[]): CompileError[] {
    return files
      .flatMap((file) => [
        ...this.service.getSyntacticDiagnostics(file),
        ...this.service.getSemanticDiagnostics(file),
      ])
      .map(formatDiagnostic);
  }
}

function loadCompilerOptions(): ts.CompilerOptions {
  const configPath = ts.findConfigFile(ROOT, ts.sys.fileExists, "tsconfig.json");
  if (!configPath) return { strict: true, noEmit: true };
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config, ts.sys, ROOT).options;
}

export function formatDiagnostic(diagnostic: ts.Diagnostic): CompileError {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
  if (!diagnostic.file || diagnostic.start === undefined) return { location: "", message };
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return {
    location: `${relative(ROOT, diagnostic.file.fileName)}:${line + 1}:${character + 1}`,
    message,
  };
}
