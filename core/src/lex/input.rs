//! The lexer's input: the bytes it reads and the bytes it keeps.

use alloc::vec::Vec;

/// Drops the front of the join buffer only once at least this many bytes
/// there are done with (see [`Input::compact`]).
pub(crate) const COMPACT_MIN: usize = 4096;

/// Every byte the decoder keeps of the body, and how the lexer reads them:
/// the one home of the chunk-joining machinery.
///
/// * **The chunk.** The lexer reads one buffer at a time, "the chunk": the
///   caller's chunk where it lies (in place), or the join buffer `acc`.
///   Chunk indices refer to it; `base` is the absolute offset of its first
///   byte.
/// * **The join buffer.** A small chunk (see
///   `DecoderConfig::join_chunks`) is appended to `acc`, which is read
///   from `acc_pos` on; its front is dropped once done with
///   ([`Input::compact`]); once a large chunk comes, the lexer lets go of it
///   ([`Input::release`]) and reads in place again. While a feed lives the
///   buffer is lent to it (so that the decoder can read it while it
///   changes), and given back when the feed is dropped.
/// * **The spill.** A value being captured (a token, or a whole row) that
///   the chunk's end cuts keeps its bytes here. The capture's bytes are
///   `spill` followed by the chunk from `cap_chunk_start` on; the lexer
///   hands out spans as *logical* offsets into them, and a span that
///   straddles the two is made one slice ([`Input::settle`]).
///
/// The end of the input is a feed of no bytes, drained like any other
/// (see `Decoder::finish`).
#[derive(Debug)]
pub(crate) struct Input {
    /// Absolute offset of the chunk's first byte.
    pub(crate) base: u64,
    /// The capture's bytes from earlier chunks.
    pub(crate) spill: Vec<u8>,
    /// Index in the chunk where the capture's unspilled bytes begin.
    pub(crate) cap_chunk_start: usize,
    /// Joined small chunks: while it is not empty, chunk indices refer to
    /// it.
    pub(crate) acc: Vec<u8>,
    /// Where decoding stopped in `acc`.
    pub(crate) acc_pos: usize,
    /// Decoding stopped at a row cell cut by the end of `acc` (a
    /// well-formed beginning of a cell: at the end of input, the body was
    /// cut short).
    pub(crate) acc_cut: bool,
    /// The chunk being fed is joined (decoded from `acc`).
    pub(crate) joined: bool,
    /// Nothing is held back at the end of `acc` (see `Decoder::end_input`;
    /// once it found a whole row held back, for good).
    pub(crate) hold_off: bool,
}

impl Input {
    pub(crate) fn new() -> Input {
        Input {
            base: 0,
            spill: Vec::new(),
            cap_chunk_start: 0,
            acc: Vec::new(),
            acc_pos: 0,
            acc_cut: false,
            joined: false,
            hold_off: false,
        }
    }

    /// Logical offset (in the capture) of chunk index `p`.
    #[inline]
    pub(crate) fn logical(&self, p: usize) -> usize {
        self.spill.len() + p.saturating_sub(self.cap_chunk_start)
    }

    /// Chunk index of logical offset `l` (only valid for `l >= spill.len()`).
    pub(crate) fn chunk_index(&self, l: usize) -> usize {
        self.cap_chunk_start + (l - self.spill.len())
    }

    /// The bytes of logical span `start..end` of the capture.
    pub(crate) fn bytes<'x>(&'x self, chunk: &'x [u8], start: usize, end: usize) -> &'x [u8] {
        let s = self.spill.len();
        if end <= s {
            self.spill.get(start..end).unwrap_or(&[])
        } else {
            let a = self.cap_chunk_start + start.saturating_sub(s);
            let b = self.cap_chunk_start + (end - s);
            chunk.get(a..b).unwrap_or(&[])
        }
    }

    /// A capture starts at chunk index `p`.
    #[inline]
    pub(crate) fn begin_capture(&mut self, p: usize) {
        self.spill.clear();
        self.cap_chunk_start = p;
    }

    /// Makes logical span `start..` (which ends at chunk index `q`)
    /// contiguous: if it began in the spill, the chunk part joins it there.
    pub(crate) fn settle(&mut self, chunk: &[u8], start: usize, q: usize) {
        if start < self.spill.len() && q > self.cap_chunk_start {
            self.spill
                .extend_from_slice(chunk.get(self.cap_chunk_start..q).unwrap_or(&[]));
            self.cap_chunk_start = q;
        }
    }

    /// The lexer is done with the chunk (used up, or the feed was dropped
    /// at `p`): the bytes of a capture in progress (`capturing`) are kept.
    pub(crate) fn end_chunk(&mut self, chunk: &[u8], p: usize, capturing: bool) {
        if capturing {
            self.spill
                .extend_from_slice(chunk.get(self.cap_chunk_start..p).unwrap_or(&[]));
        }
        self.cap_chunk_start = 0;
        self.base += p as u64;
    }

    /// Decoding stopped at chunk index `p` (the chunk used up, or the feed
    /// dropped): a joined chunk stays where it is, read from `p` on the next
    /// feed; a chunk read in place is done with.
    pub(crate) fn stop(&mut self, chunk: &[u8], p: usize, capturing: bool) {
        if self.joined {
            self.acc_pos = p;
            self.acc_cut = false;
        } else {
            self.end_chunk(chunk, p, capturing);
        }
    }

    /// The chunk lost its first `k` bytes, which nothing refers to: chunk
    /// indices move down by `k`.
    pub(crate) fn shift(&mut self, k: usize) {
        self.base += k as u64;
        self.cap_chunk_start = self.cap_chunk_start.saturating_sub(k);
    }

    /// A feed of `chunk`, whose first `skip` bytes are not decoded: takes
    /// the join buffer (lent to the feed, see [`Input`]) with `chunk`
    /// joined to it, or empty when `chunk` is read in place; and where
    /// decoding starts.
    #[inline(always)]
    pub(crate) fn arm(
        &mut self,
        chunk: &[u8],
        skip: usize,
        join_chunks: usize,
        capturing: bool,
    ) -> (Vec<u8>, usize) {
        let mut acc = core::mem::take(&mut self.acc);
        let joined = self.acc_pos < acc.len() || chunk.len() <= join_chunks;
        if joined {
            if acc.is_empty() {
                // Nothing decoded yet: the join buffer starts after the
                // skipped bytes.
                self.base += skip as u64;
            }
            self.compact(&mut acc, capturing);
            acc.extend_from_slice(chunk.get(skip..).unwrap_or(&[]));
        } else {
            // Back to decoding in place.
            self.release(&mut acc, capturing);
        }
        self.joined = joined;
        let pos = if joined { self.acc_pos } else { skip };
        (acc, pos)
    }

    /// The lexer lets go of the join buffer `acc` (decoded up to
    /// `acc_pos`), which is emptied: what it holds of a value in progress
    /// moves to the spill, as at the end of a chunk decoded in place.
    pub(crate) fn release(&mut self, acc: &mut Vec<u8>, capturing: bool) {
        if !acc.is_empty() {
            self.end_chunk(acc, self.acc_pos, capturing);
            acc.clear();
            self.acc_pos = 0;
        }
    }

    /// Drops the bytes at the front of the join buffer that nothing refers
    /// to any more, once they are at least half of it and [`COMPACT_MIN`]
    /// bytes (so that the bytes kept are moved rarely).
    pub(crate) fn compact(&mut self, acc: &mut Vec<u8>, capturing: bool) {
        let keep = if capturing {
            self.cap_chunk_start.min(self.acc_pos)
        } else {
            self.acc_pos
        };
        if keep >= COMPACT_MIN && keep * 2 >= acc.len() {
            acc.drain(..keep);
            self.shift(keep);
            self.acc_pos -= keep;
        }
    }
}
