import type { Metadata, Viewport } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { Logo } from '@/components/layout/logo';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Celebrity Finder', template: '%s · Celebrity Finder' },
  description: 'Upload, drop or paste a photo: Celebrity Finder finds every face and names the celebrities, with a link you can share.',
  applicationName: 'Celebrity Finder',
};

export const viewport: Viewport = { themeColor: '#5b3fd6', width: 'device-width', initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="flex min-h-dvh flex-col">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-50 focus:rounded-lg focus:bg-white focus:px-4 focus:py-2 focus:shadow">
          Skip to content
        </a>
        <header className="border-b border-slate-200/80 bg-white/80 backdrop-blur">
          <div className="mx-auto flex h-16 max-w-6xl items-center justify-between px-4 sm:px-6">
            <Link href="/" className="flex items-center gap-2 whitespace-nowrap rounded-lg font-semibold tracking-tight text-slate-900">
              <Logo className="size-8" />
              <span className="text-lg">Celebrity Finder</span>
            </Link>
            <nav aria-label="Main">
              <ul className="flex items-center gap-1 whitespace-nowrap text-sm font-medium text-slate-600">
                <li className="hidden sm:block">
                  <Link href="/" className="rounded-lg px-3 py-2 hover:bg-slate-100 hover:text-slate-900">New photo</Link>
                </li>
                <li>
                  <Link href="/celebrities" className="rounded-lg px-3 py-2 hover:bg-slate-100 hover:text-slate-900">Who we know</Link>
                </li>
              </ul>
            </nav>
          </div>
        </header>
        <div id="main" className="flex flex-1 flex-col">{children}</div>
        <footer className="border-t border-slate-200 bg-white py-6 text-center text-xs text-slate-500">
          Photos are recognized on this server; results are kept so their links work. Only you see your recent results.
        </footer>
      </body>
    </html>
  );
}
