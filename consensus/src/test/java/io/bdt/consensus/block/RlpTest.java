package io.bdt.consensus.block;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.rlp.RlpEncoder;
import org.web3j.rlp.RlpList;
import org.web3j.rlp.RlpString;
import org.web3j.rlp.RlpType;

class RlpTest {

  private static List<RlpType> items(int count, int size) {
    List<RlpType> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] b = new byte[size];
      b[0] = (byte) i;
      out.add(new RlpList(RlpString.create(b), RlpString.create(i)));
    }
    return out;
  }

  @Test
  void encodesListsAsWeb3jDoesAtEveryLengthClass() {
    // empty, short (< 56 bytes), one-byte length, two- and three-byte lengths
    for (int[] shape : new int[][] {{0, 1}, {2, 3}, {3, 40}, {300, 200}, {1000, 300}}) {
      List<RlpType> items = items(shape[0], shape[1]);

      assertThat(Rlp.encodeList(items)).isEqualTo(RlpEncoder.encode(new RlpList(items)));
    }
  }
}
